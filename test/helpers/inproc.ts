import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import type { Io } from "../../src/commands/context.js";
import { main } from "../../src/commands/program.js";
import { baseEnv, type RunResult } from "./cli.js";

export { APP, apiRequests, baseEnv, emulator, emulatorEnv, type RunResult, seedApp } from "./cli.js";

export interface InProcessOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
  /** stdin must never be opened: reading it throws (the entry point opens it only on first use). */
  noStdin?: boolean;
  /** Called with the run's AbortController once it has started, e.g. to interrupt it. */
  onStart?: (interrupt: AbortController) => void;
}

/** A piped stream as the command sees it: no TTY, no width, text collected as it is written. */
function capture(): { stream: Writable & { isTTY: false }; text: () => string } {
  let text = "";
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      text += typeof chunk === "string" ? chunk : chunk.toString("utf8");
      callback();
    },
  }) as Writable & { isTTY: false };
  stream.isTTY = false;
  return { stream, text: () => text };
}

/**
 * Runs one command line through `main(argv, io)` in this process, with fresh streams, environment,
 * working directory and interrupt signal: the same answer as `run()` in ./cli.ts, without a spawn.
 */
export async function runIn(args: string[], options: InProcessOptions = {}): Promise<RunResult> {
  const stdout = capture();
  const stderr = capture();
  const interrupt = new AbortController();
  const stdin = Readable.from(options.input ? [options.input] : []);
  const io: Io = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    get stdin() {
      if (options.noStdin) throw new Error("stdin was opened");
      return stdin;
    },
    env: (options.env as NodeJS.ProcessEnv | undefined) ?? baseEnv(),
    cwd: options.cwd ?? mkdtempSync(join(tmpdir(), "trtc-cwd-")),
    signal: interrupt.signal,
  };
  options.onStart?.(interrupt);
  const code = await main(args, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Drop-in for `run` from ./cli.ts. */
export const run = runIn;
