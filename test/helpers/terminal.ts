import { spawn } from "node:child_process";
import { BIN } from "./cli.js";

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`) of the given width, typing `keys`
 * after `delayMs`. The screen is capped so a runaway redraw fails the test instead of filling memory.
 */
export function onTerminal(
  args: string[],
  env: NodeJS.ProcessEnv,
  keys: string,
  delayMs: number,
  columns = 100,
): Promise<{ code: number | null; screen: string }> {
  const command = `stty cols ${columns} rows 40; exec ${[process.execPath, BIN, ...args].map((a) => `'${a}'`).join(" ")}`;
  const child = spawn("script", ["-qfec", command, "/dev/null"], { env: { ...env, TERM: "xterm" }, stdio: ["pipe", "pipe", "pipe"] });
  let screen = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    screen += d;
    if (screen.length > 1_000_000) child.kill("SIGKILL");
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
