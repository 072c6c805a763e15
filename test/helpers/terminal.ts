import { execFileSync, spawn } from "node:child_process";
import { BIN } from "./cli.js";

export interface TerminalRun {
  code: number | null;
  screen: string;
  /** performance.now() just before the CLI was spawned: nothing it writes can reach the screen sooner. */
  spawnedAt: number;
  /** The screen as it grew: each piece with the performance.now() at which it reached this process. */
  chunks: { at: number; text: string }[];
}

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`) of the given width, typing `keys`
 * after `keysAt` milliseconds, or once the screen shows `keysAt` when it is a pattern (which does not
 * depend on how fast a loaded machine starts the CLI). The screen is capped so a runaway redraw fails
 * the test instead of filling memory. `signalOn` sends a signal to the CLI itself (script's child) once
 * the screen shows `pattern`.
 */
export function onTerminal(
  args: string[],
  env: NodeJS.ProcessEnv,
  keys: string,
  keysAt: number | RegExp,
  columns = 100,
  signalOn?: { pattern: RegExp; signal: NodeJS.Signals },
): Promise<TerminalRun> {
  const command = `stty cols ${columns} rows 40; exec ${[process.execPath, BIN, ...args].map((a) => `'${a}'`).join(" ")}`;
  const spawnedAt = performance.now();
  const child = spawn("script", ["-qfec", command, "/dev/null"], { env: { ...env, TERM: "xterm" }, stdio: ["pipe", "pipe", "pipe"] });
  let screen = "";
  const chunks: TerminalRun["chunks"] = [];
  let typeOn = keysAt instanceof RegExp ? keysAt : undefined;
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    screen += d;
    chunks.push({ at: performance.now(), text: d });
    if (screen.length > 1_000_000) child.kill("SIGKILL");
    if (typeOn?.test(screen)) {
      child.stdin.write(keys);
      typeOn = undefined;
    }
    if (signalOn?.pattern.test(screen)) {
      const cli = execFileSync("pgrep", ["-P", String(child.pid)], { encoding: "utf8" }).trim();
      process.kill(Number(cli), signalOn.signal);
      signalOn = undefined;
    }
  });
  const timer = typeof keysAt === "number" ? setTimeout(() => child.stdin.write(keys), keysAt) : undefined;
  const deadline = setTimeout(() => child.kill("SIGKILL"), 20_000);
  return new Promise((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      clearTimeout(deadline);
      resolve({ code, screen, spawnedAt, chunks });
    }),
  );
}

/** When the screen first matched `pattern`, in milliseconds after the spawn; undefined if it never did. */
export function firstShown(run: TerminalRun, pattern: RegExp): number | undefined {
  let screen = "";
  for (const { at, text } of run.chunks) {
    screen += text;
    if (pattern.test(screen)) return at - run.spawnedAt;
  }
  return undefined;
}
