import type { Command } from "commander";
import type { Session } from "../app/session.js";
import { optionFromEnv } from "../config/env.js";
import { checkFlagValues, type GlobalFlags } from "../config/resolve.js";
import { ConfigError, UsageError } from "../errors.js";
import { OUTPUT_FORMATS, type OutputFormat } from "../output/reporter.js";
import { createTerminal, type Stream, type Terminal } from "../output/terminal.js";
import type { AtExit } from "../plan/input.js";

/** What the entry point hands to the program: streams, environment and the interrupt signal. */
export interface Io {
  stdout: Stream;
  stderr: Stream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted by an interrupt (SIGINT, SIGTERM, SIGHUP) or when stdout's reader goes away. */
  signal: AbortSignal;
  /** Aborted by an interrupt only: what a server waits for, since it outlives its stdout's reader. */
  shutdown?: AbortSignal;
  /** The process may exit without waiting for stdout's reader to take what is queued (a stalled reader). */
  abandonStdout?: () => void;
  /** Cleanup if the process exits first (only the entry point can know); in-process runs need none. */
  atExit?: AtExit;
}

/** The global flags that shape a run: output, pace, retries. */
export interface RunFlags {
  format: OutputFormat;
  quiet: boolean;
  debug: boolean;
  timeoutMs: number;
  maxAttempts: number;
  concurrency: number;
  rate: number;
}

/** A command's context: the application layer's session, and the terminal it reports on. */
export interface Context extends Session {
  io: Io;
  term: Terminal;
  flags: GlobalFlags;
  run: RunFlags;
}

const isFormat = (value: string | undefined): value is OutputFormat => (OUTPUT_FORMATS as string[]).includes(value ?? "");

/** The format is known before parsing so that even argument errors come out as JSON when asked. */
export function sniffFormat(argv: string[], env: NodeJS.ProcessEnv): OutputFormat {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--json") return "json";
    const value = arg === "-o" || arg === "--output" ? argv[i + 1] : (/^--output=(.*)$/.exec(arg)?.[1] ?? /^-o(.+)$/.exec(arg)?.[1]);
    if (isFormat(value)) return value;
  }
  const fromEnv = optionFromEnv(env, "output");
  return isFormat(fromEnv) ? fromEnv : "pretty";
}

/** --no-color is known before parsing so that even argument errors respect it. */
export function sniffNoColor(argv: string[]): boolean {
  return argv.includes("--no-color");
}

interface ParsedGlobals {
  profile?: string;
  config?: string;
  sdkAppId?: string;
  region?: string;
  endpoint?: string;
  output?: OutputFormat;
  json?: boolean;
  timeout: number;
  maxAttempts: number;
  concurrency: number;
  rate: number;
  debug?: boolean;
  quiet?: boolean;
  color: boolean;
}

/** Turns the parsed global options, and the environment where an option was not given, into a context. */
export function buildContext(cmd: Command, io: Io): Context {
  const o = cmd.optsWithGlobals<ParsedGlobals>();
  const fromEnv = optionFromEnv(io.env, "output");
  if (fromEnv !== undefined && !isFormat(fromEnv)) throw new UsageError(`invalid TRTC_OUTPUT "${fromEnv}": expected pretty, json or ndjson`);
  const flags: GlobalFlags = {};
  for (const key of ["profile", "sdkAppId", "region", "endpoint"] as const) if (o[key] !== undefined) flags[key] = o[key];
  const config = o.config ?? optionFromEnv(io.env, "config");
  if (config !== undefined && config !== config.trim()) {
    const message = `${o.config !== undefined ? "--config" : "TRTC_CONFIG"} ${JSON.stringify(config)} has leading or trailing whitespace`;
    throw o.config !== undefined ? new UsageError(message, "remove it") : new ConfigError(message, "remove it");
  }
  if (config !== undefined) flags.config = config;
  checkFlagValues(flags);
  const run: RunFlags = {
    format: o.json ? "json" : (o.output ?? fromEnv ?? "pretty"),
    quiet: Boolean(o.quiet),
    debug: Boolean(o.debug) || optionFromEnv(io.env, "debug") === "1",
    timeoutMs: Math.round(o.timeout * 1000),
    maxAttempts: o.maxAttempts,
    concurrency: o.concurrency,
    rate: o.rate,
  };
  return { io, term: createTerminal(io, io.env, !o.color), flags, run };
}

/** --inventory, a global option. */
export const inventoryFlag = (cmd: Command): string | undefined => cmd.optsWithGlobals<{ inventory?: string }>().inventory;
