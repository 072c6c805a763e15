import { execFileSync, spawn } from "node:child_process";
import { BIN } from "./cli.js";

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`) of the given width, typing `keys`
 * after `delayMs`. The screen is capped so a runaway redraw fails the test instead of filling memory.
 * `signalOn` sends a signal to the CLI itself (script's child) once the screen shows `pattern`.
 */
export function onTerminal(
  args: string[],
  env: NodeJS.ProcessEnv,
  keys: string,
  delayMs: number,
  columns = 100,
  signalOn?: { pattern: RegExp; signal: NodeJS.Signals },
): Promise<{ code: number | null; screen: string }> {
  const command = `stty cols ${columns} rows 40; exec ${[process.execPath, BIN, ...args].map((a) => `'${a}'`).join(" ")}`;
  const child = spawn("script", ["-qfec", command, "/dev/null"], { env: { ...env, TERM: "xterm" }, stdio: ["pipe", "pipe", "pipe"] });
  let screen = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    screen += d;
    if (screen.length > 1_000_000) child.kill("SIGKILL");
    if (signalOn?.pattern.test(screen)) {
      const cli = execFileSync("pgrep", ["-P", String(child.pid)], { encoding: "utf8" }).trim();
      process.kill(Number(cli), signalOn.signal);
      signalOn = undefined;
    }
  });
  const timer = setTimeout(() => child.stdin.write(keys), delayMs);
  const deadline = setTimeout(() => child.kill("SIGKILL"), 20_000);
  return new Promise((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      clearTimeout(deadline);
      resolve({ code, screen });
    }),
  );
}
