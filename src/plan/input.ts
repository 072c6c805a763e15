import { closeSync, constants, createReadStream, createWriteStream, fstatSync, open, openSync, rmSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ConfigError, DomainError, InterruptedError, UsageError } from "../errors.js";

export interface InputItem {
  value: string;
  /** Where the value came from, for error messages: "argument 2" or "rooms.txt:14". */
  origin: string;
}

/** Items from arguments and an optional --from-file, readable more than once without holding the file in memory. */
export interface InputSource {
  items(): AsyncIterable<InputItem>;
  close(): Promise<void>;
}

export interface InputLimits {
  /** Bytes of --from-file input accepted in all. */
  maxBytes: number;
  /** Bytes in one line; valid ids are at most 64, so only garbage (NUL floods, /dev/zero) gets near this. */
  maxLineBytes: number;
}

/**
 * Registers `cleanup` to run if the process exits first; returns its removal. The entry point owns
 * the process and provides it (a second Ctrl-C exits at once, without close()).
 */
export type AtExit = (cleanup: () => void) => () => void;

export const INPUT_LIMITS: Readonly<InputLimits> = Object.freeze({ maxBytes: 1 << 30, maxLineBytes: 64 * 1024 });

async function* fileItems(path: string, label: string): AsyncIterable<InputItem> {
  // Small reads keep few lines queued ahead of the consumer, so they die young instead of being promoted.
  const stream = createReadStream(path, { encoding: "utf8", highWaterMark: 1024 });
  // Loaded here: ids given as arguments never need readline.
  const { createInterface } = await import("node:readline");
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const raw of lines) {
      n++;
      const value = raw.trim();
      if (value === "" || value.startsWith("#")) continue;
      yield { value, origin: `${label}:${n}` };
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** Passes bytes through while refusing input over the total or line limit, before it fills the disk or a string. */
function guard(label: string, limits: InputLimits): Transform {
  let total = 0;
  let line = 0;
  let lineBytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      if (total > limits.maxBytes)
        return callback(new UsageError(`${label} is over ${limits.maxBytes} bytes; refusing it`, "split the input into smaller runs"));
      let start = 0;
      for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
        lineBytes += nl - start;
        if (lineBytes > limits.maxLineBytes) break;
        line++;
        lineBytes = 0;
        start = nl + 1;
      }
      if (lineBytes <= limits.maxLineBytes) lineBytes += chunk.length - start;
      if (lineBytes > limits.maxLineBytes)
        return callback(new UsageError(`${label}:${line + 1}: line is over ${limits.maxLineBytes} bytes; expected one id per line`));
      callback(null, chunk);
    },
  });
}

function unblockFifo(path: string): void {
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    // Already opened by a writer, or gone: nothing is blocked.
  }
}

/** The descriptor of `path` opened for reading; an interrupt while a FIFO waits for its writer ends the wait. */
async function openInterruptibly(path: string, isFifo: boolean, signal: AbortSignal): Promise<number> {
  const interrupted = () => new InterruptedError("interrupted while reading input: nothing was sent");
  if (signal.aborted && !isFifo) throw interrupted();
  const opening = new Promise<number>((resolve, reject) => open(path, constants.O_RDONLY, (err, fd) => (err ? reject(err) : resolve(fd))));
  // Opening a FIFO waits for a writer, and the process cannot exit while a thread is blocked in
  // that open. On an interrupt we act as the writer until the open returns: a writer's open fails
  // (ENXIO) until the reader's open is under way, so it is retried every few milliseconds.
  let unblocking: NodeJS.Timeout | undefined;
  const onAbort = () => {
    if (!isFifo) return;
    unblocking = setInterval(() => unblockFifo(path), 5);
    unblockFifo(path);
  };
  signal.addEventListener("abort", onAbort, { once: true });
  if (signal.aborted) onAbort();
  try {
    const fd = await opening;
    if (!signal.aborted) return fd;
    closeSync(fd);
    throw interrupted();
  } catch (err) {
    if (signal.aborted) throw interrupted();
    throw new UsageError(`cannot read --from-file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  } finally {
    clearInterval(unblocking);
    signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Opens a --from-file path for reading: a directory refused, a FIFO's wait for its writer interruptible.
 * A pipe or FIFO (`<(cmd)` too) is read through the event loop, as a socket: a read blocked in the
 * thread pool until the writer writes or closes would hold the process after an interrupt, even its exit.
 */
export async function openSource(fromFile: string, signal: AbortSignal): Promise<NodeJS.ReadableStream> {
  const info = await stat(fromFile).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read --from-file ${fromFile}: ${err.code ?? err.message}`);
  });
  if (info.isDirectory()) throw new UsageError(`cannot read --from-file ${fromFile}: it is a directory`);
  const fd = await openInterruptibly(fromFile, info.isFIFO(), signal);
  const opened = fstatSync(fd);
  if (opened.isFIFO() || opened.isSocket()) return new Socket({ fd, readable: true, writable: false });
  return createReadStream("", { fd });
}

/** A --from-file path with surrounding whitespace names another file than meant: refused, before any configuration is read. */
export function checkFromFile(fromFile: string | undefined): void {
  if (fromFile !== undefined && fromFile !== fromFile.trim())
    throw new UsageError(`--from-file ${JSON.stringify(fromFile)} has leading or trailing whitespace`, "remove it");
}

/** The temporary directory cannot hold the input's copy: the machine's setup, not the input. */
const noSpool = (tmp: string, err: NodeJS.ErrnoException) =>
  new ConfigError(`cannot keep a copy of the input in ${tmp}: ${err.code ?? err.message}`, "set TMPDIR to a writable directory with room for the input");

/**
 * Copies the input to a private temporary file, so both passes (validation, then sending)
 * read exactly what was there when the command started, even if the file changes later.
 */
async function snapshot(
  fromFile: string,
  label: string,
  stdin: () => NodeJS.ReadableStream,
  signal: AbortSignal,
  limits: InputLimits,
  tmp: string,
): Promise<string> {
  const dir = await mkdtemp(join(tmp, "trtc-admin-")).catch((err: NodeJS.ErrnoException) => {
    throw noSpool(tmp, err);
  });
  try {
    const source = fromFile === "-" ? stdin() : await openSource(fromFile, signal);
    const path = join(dir, "input");
    await pipeline(source, guard(label, limits), createWriteStream(path, { mode: 0o600, flags: "wx" }), { signal });
    return dir;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    if (signal.aborted) throw new InterruptedError("interrupted while reading input: nothing was sent");
    if (err instanceof DomainError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === "ENOSPC" || e.code === "EDQUOT") throw noSpool(tmp, e);
    throw new UsageError(`cannot read ${label}: ${e.code ?? e.message}`);
  }
}

export async function openInput(
  args: string[],
  fromFile: string | undefined,
  /** Called only for `-`: opening stdin costs a run that reads none a few milliseconds. */
  stdin: () => NodeJS.ReadableStream,
  signal: AbortSignal,
  /** Where the snapshot goes: the command's own TMPDIR, else the system's. */
  tmp = tmpdir(),
  limits: InputLimits = INPUT_LIMITS,
  atExit?: AtExit,
): Promise<InputSource> {
  const label = fromFile === "-" ? "stdin" : (fromFile ?? "");
  const dir = fromFile === undefined ? undefined : await snapshot(fromFile, label, stdin, signal, limits, tmp);
  // A second Ctrl-C exits at once, without close(): the copy goes with the process all the same.
  const forgetAtExit = dir === undefined ? undefined : atExit?.(() => rmSync(dir, { recursive: true, force: true }));
  return {
    async *items() {
      for (const [i, value] of args.entries()) yield { value, origin: `argument ${i + 1}` };
      if (dir !== undefined) yield* fileItems(join(dir, "input"), label);
    },
    async close() {
      if (dir === undefined) return;
      forgetAtExit?.();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
