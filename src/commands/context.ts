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
    .option("--inventory <url>", "room inventory: a file: or postgres:// URL (env TRTC_INVENTORY)")
    .option("--no-color", "no colour (also NO_COLOR)");
}

interface Range {
  min: number;
  max: number;
  integer: boolean;
}

/** Plain decimals only ("0x10", "1e3" and " 5" are refused), within a range the scheduler and timers can honour. */
function numberOption(value: string | undefined, name: string, fallback: number, range: Range): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  const shape = range.integer ? /^[0-9]+$/ : /^[0-9]+(\.[0-9]+)?$/;
  if (!shape.test(value) || n < range.min || n > range.max) {
    throw new UsageError(`invalid ${name} "${value}": expected ${range.integer ? "an integer" : "a number"} from ${range.min} to ${range.max}`);
  }
  return n;
}

// setTimeout cannot wait longer than 2^31-1 ms (about 24.8 days); past that it fires at once.
const TIMEOUT: Range = { min: 0.001, max: 86_400, integer: false };
const ATTEMPTS: Range = { min: 1, max: 100, integer: true };
const CONCURRENCY: Range = { min: 1, max: 1000, integer: true };
const RATE: Range = { min: 0, max: 10_000, integer: true };

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

/** --no-color is known before parsing so that even argument errors respect it. */
export function sniffNoColor(argv: string[]): boolean {
  return argv.includes("--no-color");
}

export function buildContext(cmd: Command, io: Io): Context {
  const o = cmd.optsWithGlobals<Record<string, string | boolean | undefined>>();
  const str = (k: string) => (typeof o[k] === "string" ? (o[k] as string) : undefined);
  if (o.json && str("output") !== undefined && str("output") !== "json") throw new UsageError(`--json and --output ${str("output")} conflict`, "choose one output format");
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
    timeoutMs: Math.round(numberOption(str("timeout"), "--timeout", 10, TIMEOUT) * 1000),
    maxAttempts: numberOption(str("maxAttempts"), "--max-attempts", 3, ATTEMPTS),
    concurrency: numberOption(str("concurrency"), "--concurrency", 8, CONCURRENCY),
    rate: numberOption(str("rate"), "--rate", 20, RATE),
  };
  return { io, term: createTerminal(io, io.env, o.color === false), flags, run };
}
