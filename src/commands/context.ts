import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { OUTPUT_FORMATS, type OutputFormat } from "../output/reporter.js";
import { createTerminal, type Stream, type Terminal } from "../output/terminal.js";
import type { GlobalFlags } from "../config/resolve.js";

/** What the entry point hands to the program: streams, environment and the interrupt signal. */
export interface Io {
  stdout: Stream;
  stderr: Stream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal: AbortSignal;
}

export interface RunOptions {
  format: OutputFormat;
  quiet: boolean;
  debug: boolean;
  timeoutMs: number;
  maxAttempts: number;
  concurrency: number;
  rate: number;
}

export interface Context {
  io: Io;
  term: Terminal;
  flags: GlobalFlags;
  run: RunOptions;
}

/** Declared on the root and on every subcommand, so they work before or after the command name. */
export function addGlobalOptions(cmd: Command): Command {
  return cmd
    .option("-p, --profile <name>", "config profile (env TRTC_PROFILE)")
    .option("-c, --config <file>", "config file instead of searching (env TRTC_CONFIG)")
    .option("--sdk-app-id <id>", "TRTC SdkAppId (env TRTC_SDK_APP_ID)")
    .option("--region <region>", "ap-beijing, ap-guangzhou or ap-singapore (env TENCENTCLOUD_REGION)")
    .option("--endpoint <host|url>", "API host or URL; http:// only for loopback (env TRTC_ENDPOINT)")
    .option("-o, --output <format>", "pretty, json or ndjson (env TRTC_OUTPUT)")
    .option("--json", "same as --output json")
    .option("--timeout <seconds>", "per-request timeout (default 10)")
    .option("--max-attempts <n>", "attempts per request, 1 = no retry (default 3)")
    .option("--concurrency <n>", "requests in flight (default 8)")
    .option("--rate <n>", "max requests in any one-second window, retries included; 0 = off (default 20)")
    .option("--debug", "trace requests and responses on stderr, secrets redacted (env TRTC_DEBUG=1)")
    .option("-q, --quiet", "results only")
    .option("--no-color", "no colour (also NO_COLOR)");
}

function positiveNumber(value: string | undefined, name: string, fallback: number, { allowZero = false, integer = true } = {}): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  const ok = value.trim() !== "" && Number.isFinite(n) && (!integer || Number.isInteger(n)) && (allowZero ? n >= 0 : n > 0);
  if (!ok) throw new UsageError(`invalid ${name} "${value}": expected ${integer ? "an integer" : "a number"} ${allowZero ? ">= 0" : "> 0"}`);
  return n;
}

/** The format is known before parsing so that even argument errors come out as JSON when asked. */
export function sniffFormat(argv: string[], env: NodeJS.ProcessEnv): OutputFormat {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--json") return "json";
    const value = arg === "-o" || arg === "--output" ? argv[i + 1] : /^--output=(.*)$/.exec(arg)?.[1] ?? /^-o(.+)$/.exec(arg)?.[1];
    if (value && (OUTPUT_FORMATS as string[]).includes(value)) return value as OutputFormat;
  }
  const fromEnv = env.TRTC_OUTPUT;
  return fromEnv && (OUTPUT_FORMATS as string[]).includes(fromEnv) ? (fromEnv as OutputFormat) : "pretty";
}

export function buildContext(cmd: Command, io: Io): Context {
  const o = cmd.optsWithGlobals<Record<string, string | boolean | undefined>>();
  const str = (k: string) => (typeof o[k] === "string" ? (o[k] as string) : undefined);
  const requested = o.json ? "json" : (str("output") ?? io.env.TRTC_OUTPUT ?? "pretty");
  if (!(OUTPUT_FORMATS as string[]).includes(requested)) throw new UsageError(`invalid --output "${requested}": expected pretty, json or ndjson`);
  const flags: GlobalFlags = {};
  for (const key of ["profile", "config", "sdkAppId", "region", "endpoint"] as const) {
    const value = str(key) ?? (key === "config" ? io.env.TRTC_CONFIG || undefined : undefined);
    if (value !== undefined) flags[key] = value;
  }
  const run: RunOptions = {
    format: requested as OutputFormat,
    quiet: Boolean(o.quiet),
    debug: Boolean(o.debug) || io.env.TRTC_DEBUG === "1",
    timeoutMs: positiveNumber(str("timeout"), "--timeout", 10, { integer: false }) * 1000,
    maxAttempts: positiveNumber(str("maxAttempts"), "--max-attempts", 3),
    concurrency: positiveNumber(str("concurrency"), "--concurrency", 8),
    rate: positiveNumber(str("rate"), "--rate", 20, { allowZero: true }),
  };
  return { io, term: createTerminal(io, io.env, o.color === false), flags, run };
}
