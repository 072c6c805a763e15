import { Chalk, type ChalkInstance } from "chalk";

export interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  writableNeedDrain?: boolean;
  writableLength?: number;
  destroyed?: boolean;
  on?(event: "error", listener: () => void): unknown;
  once?(event: "drain" | "close", listener: () => void): unknown;
  off?(event: "drain" | "close", listener: () => void): unknown;
}

/** The only writer to the terminal: stdout for results, stderr for everything else. */
export interface Terminal {
  out(text: string): void;
  err(text: string): void;
  /** Resolves once stdout has drained, or undefined when nothing is backed up (a slow `| jq` must not make us buffer everything). */
  outDrained(): Promise<void> | undefined;
  /** Bytes written to stdout that its reader has not taken yet; Infinity once the reader has gone. */
  outBacklog(): number;
  /** Gives up on what stdout's reader never took, so that the process can exit. */
  abandonOut(): void;
  outColor: ChalkInstance;
  errColor: ChalkInstance;
  stderrIsTTY: boolean;
  /** Whether stderr can show a redrawn progress line: a TTY of known width, not dumb, not CI. */
  stderrLive: boolean;
  stdinIsTTY: boolean;
  stderr: Stream;
  stdin: NodeJS.ReadableStream;
}

function colorLevel(stream: Stream, env: NodeJS.ProcessEnv, noColor: boolean): 0 | 1 | 2 | 3 {
  if (noColor || (env.NO_COLOR !== undefined && env.NO_COLOR !== "")) return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === "0" || force === "false") return 0;
    const level = Number(force);
    return level >= 1 && level <= 3 ? (level as 1 | 2 | 3) : 1;
  }
  if (!stream.isTTY || env.TERM === "dumb") return 0;
  return env.COLORTERM === "truecolor" ? 3 : /256/.test(env.TERM ?? "") ? 2 : 1;
}

export function createTerminal(
  io: { stdout: Stream; stderr: Stream; stdin: NodeJS.ReadableStream & { isTTY?: boolean }; abandonStdout?: () => void },
  env: NodeJS.ProcessEnv,
  noColor = false,
): Terminal {
  // Node never marks the real stdout destroyed (it keeps fd 1 open), so a reader gone (EPIPE) is noted here.
  let outGone = false;
  io.stdout.on?.("error", () => (outGone = true));
  return {
    // Once the reader has gone, results have nowhere to go.
    out: (text) => void (outGone || io.stdout.destroyed || io.stdout.write(text)),
    err: (text) => void io.stderr.write(text),
    outDrained: () =>
      io.stdout.writableNeedDrain && !io.stdout.destroyed && io.stdout.once
        ? new Promise((resolve) => {
            // Each listener goes when either fires; left behind, they pile up on a slow reader.
            const done = () => {
              io.stdout.off?.("drain", done);
              io.stdout.off?.("close", done);
              resolve();
            };
            io.stdout.once!("drain", done);
            io.stdout.once!("close", done);
          })
        : undefined,
    outBacklog: () => (outGone || io.stdout.destroyed ? Infinity : (io.stdout.writableLength ?? 0)),
    abandonOut: () => io.abandonStdout?.(),
    outColor: new Chalk({ level: colorLevel(io.stdout, env, noColor) }),
    errColor: new Chalk({ level: colorLevel(io.stderr, env, noColor) }),
    stderrIsTTY: Boolean(io.stderr.isTTY),
    // A zero-width terminal (some CI ptys) makes ora's line count infinite and its redraw endless.
    stderrLive: Boolean(io.stderr.isTTY) && (io.stderr.columns ?? 0) > 0 && env.TERM !== "dumb" && !("CI" in env),
    // Getters: the entry point opens stdin on first use, and most runs never read it.
    get stdinIsTTY() {
      return Boolean(io.stdin.isTTY);
    },
    stderr: io.stderr,
    get stdin() {
      return io.stdin;
    },
  };
}
