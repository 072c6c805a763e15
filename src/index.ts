/**
 * The library: the same validation, planning, scheduler, rate limit, retries and Results as the
 * CLI, for programs that want the engine without a subprocess. Errors carry the CLI's exit codes.
 */
import { ExitCode, UsageError } from "./errors.js";
import { parseRoom } from "./plan/ids.js";
import type { InputItem } from "./plan/input.js";
import { checkArguments, planDismiss, planKick } from "./plan/plan.js";
import { Repeats } from "./plan/repeats.js";
import { countResult, emptySummary, type PlannedRequest, type Result, type RoomIdMode, type Summary } from "./plan/types.js";
import { DEFAULTS, describeRange, inRange, LIMITS, type Range } from "./run/limits.js";
import { exitCodeFor, sendAll } from "./run/send.js";
import type { TrtcCredential } from "./trtc/client.js";
import { DEFAULT_ENDPOINT, parseEndpoint, REGIONS } from "./trtc/endpoint.js";

export interface AdminOptions {
  sdkAppId: number;
  /** Never logged or returned. */
  credential: { secretId: string; secretKey: string; sessionToken?: string };
  /** A host or URL; http:// only for loopback (the emulator). Default trtc.tencentcloudapi.com. */
  endpoint?: string;
  /** ap-beijing, ap-guangzhou (default) or ap-singapore. */
  region?: string;
  /** How room ids are typed; "auto" (default): a canonical decimal is a numeric room, anything else a string room. */
  roomIdType?: RoomIdMode;
  concurrency?: number;
  /** Requests, retries included, in any second as the server sees them; 0 = no client-side limit. */
  rate?: number;
  maxAttempts?: number;
  timeoutSeconds?: number;
  /** A room that does not exist counts as already gone. */
  ignoreMissing?: boolean;
  /** Aborting stops new requests; those in flight finish and every request still gets a Result. */
  signal?: AbortSignal;
  /** Called with each Result as it finishes; a returned promise holds back further results. */
  onResult?: (result: Result) => void | Promise<void>;
  /** For HTTPS_PROXY / NO_PROXY; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface Report {
  ok: boolean;
  /** The CLI's exit code for the same run: 0, 1, 4 or 130. */
  exitCode: number;
  summary: Summary;
  results: Result[];
}

function check(name: keyof typeof LIMITS, value: number | undefined): number {
  const range: Range = LIMITS[name];
  const chosen = value ?? DEFAULTS[name];
  if (!inRange(chosen, range)) throw new UsageError(`invalid ${name} ${String(chosen)}: expected ${describeRange(range)}`);
  return chosen;
}

async function* items(values: readonly (string | number)[], what: string): AsyncIterable<InputItem> {
  for (const [i, value] of values.entries()) yield { value: String(value), origin: `${what}[${i}]` };
}

/** Validates every id before returning; throws UsageError (exitCode 2) naming the first bad one. */
export async function plan(action: "kick" | "dismiss", target: { room?: string | number; userIds?: string[]; rooms?: (string | number)[] }, options: Pick<AdminOptions, "sdkAppId" | "roomIdType">): Promise<PlannedRequest[]> {
  const mode = options.roomIdType ?? "auto";
  const values = (action === "kick" ? (target.userIds ?? []) : (target.rooms ?? [])).map(String);
  checkArguments(action, action === "kick" ? String(target.room ?? "") : undefined, values, mode === "auto" ? undefined : mode);
  const planned: PlannedRequest[] = [];
  const requests =
    action === "kick"
      ? planKick(options.sdkAppId, parseRoom(String(target.room ?? ""), mode), items(target.userIds ?? [], "userIds"), new Repeats())
      : planDismiss(options.sdkAppId, items(target.rooms ?? [], "rooms"), mode, new Repeats());
  for await (const request of requests) planned.push(request);
  if (planned.length === 0) throw new UsageError(action === "kick" ? "no user ids given" : "no rooms given");
  return planned;
}

async function run(planned: PlannedRequest[], options: AdminOptions): Promise<Report> {
  const region = options.region ?? "ap-guangzhou";
  if (!REGIONS.includes(region)) throw new UsageError(`unsupported region "${region}": TRTC room actions accept ${REGIONS.join(", ")}`);
  const { secretId, secretKey, sessionToken } = options.credential;
  const credential: TrtcCredential = sessionToken ? { secretId, secretKey, token: sessionToken } : { secretId, secretKey };
  const summary = emptySummary();
  const results: Result[] = [];
  const signal = options.signal ?? new AbortController().signal;
  async function* requests() {
    yield* planned;
  }
  const report = await sendAll(
    requests(),
    {
      endpoint: parseEndpoint(options.endpoint ?? DEFAULT_ENDPOINT),
      region,
      credential,
      env: options.env ?? process.env,
      concurrency: check("concurrency", options.concurrency),
      rate: check("rate", options.rate),
      maxAttempts: check("maxAttempts", options.maxAttempts),
      timeoutMs: Math.round(check("timeoutSeconds", options.timeoutSeconds) * 1000),
      ignoreMissing: options.ignoreMissing ?? false,
      signal,
    },
    (result) => {
      countResult(summary, result);
      results.push(result);
      return options.onResult?.(result);
    },
  );
  const exitCode = exitCodeFor(summary, report, signal.aborted);
  return { ok: exitCode === ExitCode.ok, exitCode, summary, results };
}

/** RemoveUser or RemoveUserByStrRoomId, 10 users a request. Validation errors throw before anything is sent. */
export async function kick(room: string | number, userIds: string[], options: AdminOptions): Promise<Report> {
  return run(await plan("kick", { room, userIds }, options), options);
}

/** DismissRoom or DismissRoomByStrRoomId, one request per distinct room. */
export async function dismiss(rooms: (string | number)[], options: AdminOptions): Promise<Report> {
  return run(await plan("dismiss", { rooms }, options), options);
}

export { CliError, ConfigError, ExitCode, InterruptedError, UsageError } from "./errors.js";
export type { PlannedRequest, Result, ResultError, RoomIdMode, Status, Summary } from "./plan/types.js";
export { TrtcClient, type TrtcClientOptions, type TrtcCredential } from "./trtc/client.js";
export { parseEndpoint } from "./trtc/endpoint.js";
export { TrtcError } from "./trtc/errors.js";
export { Emulator, startEmulator, DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY, type EmulatorOptions } from "./emulator/server.js";
