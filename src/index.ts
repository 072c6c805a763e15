/**
 * The library: the same validation, planning, scheduler, rate limit, retries and Results as the
 * CLI, for programs that want the engine without a subprocess. Errors carry the CLI's exit codes.
 */
import { parseSdkAppId } from "./config/resolve.js";
import { ExitCode, UsageError } from "./errors.js";
import { parseRoom, validateNumericRoom } from "./plan/ids.js";
import type { InputItem } from "./plan/input.js";
import { checkArguments, planDismiss, planKick, planMute } from "./plan/plan.js";
import { countResult, emptySummary, type IsMute, type OperationKind, type PlannedRequest, type Result, type RoomIdMode, type Summary } from "./plan/types.js";
import { DEFAULTS, describeRange, inRange, LIMITS, type Range } from "./run/limits.js";
import { exitCodeFor, sendAll } from "./run/send.js";
import type { TrtcCredential } from "./trtc/client.js";
import { DEFAULT_ENDPOINT, DEFAULT_REGION, parseEndpoint, REGIONS } from "./trtc/endpoint.js";

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

/**
 * A room as a program passes it: a string as the CLI reads one, or a number that must be a
 * numeric room id (-1, 1.5, NaN or 1e21 would otherwise become string rooms "-1", "1.5", …).
 */
function roomText(value: unknown, where: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") {
    validateNumericRoom(String(value));
    return String(value);
  }
  throw new UsageError(`invalid ${where}: a room id must be a string or a number, not ${value === null ? "null" : typeof value}`);
}

function listOf(value: unknown, where: string, each: (v: unknown, at: string) => string): string[] {
  if (!Array.isArray(value)) throw new UsageError(`invalid ${where}: expected an array`);
  return value.map((v, i) => each(v, `${where}[${i}]`));
}

function userText(value: unknown, where: string): string {
  if (typeof value !== "string") throw new UsageError(`invalid ${where}: a user id must be a string, not ${value === null ? "null" : typeof value}`);
  return value;
}

async function* items(values: readonly string[], what: string): AsyncIterable<InputItem> {
  for (const [i, value] of values.entries()) yield { value, origin: `${what}[${i}]` };
}

/** Validates every id before returning; throws UsageError (exitCode 2) naming the first bad one. */
export interface Target {
  /** kick and mute. */
  room?: string | number;
  /** kick and mute. */
  userIds?: string[];
  /** dismiss. */
  rooms?: (string | number)[];
  /** mute: 0 unmute, 1 audio and video (default), 2 audio only, 3 video only. */
  isMute?: IsMute;
}

function requestsFor(action: OperationKind, target: Checked, sdkAppId: number, mode: RoomIdMode): AsyncIterable<PlannedRequest> {
  if (action === "dismiss") return planDismiss(sdkAppId, items(target.values, "rooms"), mode);
  const room = parseRoom(target.room, mode);
  const users = items(target.values, "userIds");
  if (action === "kick") return planKick(sdkAppId, room, users);
  const isMute = target.isMute ?? 1;
  if (![0, 1, 2, 3].includes(isMute)) throw new UsageError(`invalid isMute ${String(isMute)}: expected 0, 1, 2 or 3`);
  return planMute(sdkAppId, room, users, isMute);
}

interface Checked {
  room: string;
  values: string[];
  isMute?: IsMute;
}

/** A target's types checked as the CLI's parser checks its arguments: wrong types are UsageError, never a TypeError or a send. */
function checked(action: OperationKind, target: Target): Checked {
  if (typeof target !== "object" || target === null) throw new UsageError("invalid target: expected an object");
  if (action === "dismiss") return { room: "", values: listOf(target.rooms ?? [], "rooms", roomText) };
  return {
    room: roomText(target.room ?? "", "room"),
    values: listOf(target.userIds ?? [], "userIds", userText),
    ...(target.isMute !== undefined && { isMute: target.isMute }),
  };
}

/** Validates every id before returning; throws UsageError (exitCode 2) naming the first bad one. */
export async function plan(action: OperationKind, given: Target, options: Pick<AdminOptions, "sdkAppId" | "roomIdType">): Promise<PlannedRequest[]> {
  const mode = options.roomIdType ?? "auto";
  const target = checked(action, given);
  const values = target.values;
  checkArguments(action, action === "dismiss" ? undefined : target.room, values, mode === "auto" ? undefined : mode);
  // The CLI's own check: a positive safe integer (a negative, a fraction or NaN is refused).
  const sdkAppId = parseSdkAppId(options.sdkAppId, "flag", "options.sdkAppId");
  const planned: PlannedRequest[] = [];
  for await (const request of requestsFor(action, target, sdkAppId, mode)) planned.push(request);
  if (planned.length === 0) throw new UsageError(action === "dismiss" ? "no rooms given" : "no user ids given");
  return planned;
}

async function run(planned: PlannedRequest[], options: AdminOptions): Promise<Report> {
  const region = options.region ?? DEFAULT_REGION;
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

/** SetUserBlocked or SetUserBlockedByStrRoomId, one request per user; `isMute` 1 (default), 2 audio only, 3 video only. */
export async function mute(room: string | number, userIds: string[], options: AdminOptions & { isMute?: 1 | 2 | 3 }): Promise<Report> {
  return run(await plan("mute", { room, userIds, isMute: options.isMute ?? 1 }, options), options);
}

/** SetUserBlocked with IsMute 0. */
export async function unmute(room: string | number, userIds: string[], options: AdminOptions): Promise<Report> {
  return run(await plan("mute", { room, userIds, isMute: 0 }, options), options);
}

/** DismissRoom or DismissRoomByStrRoomId, one request per distinct room. */
export async function dismiss(rooms: (string | number)[], options: AdminOptions): Promise<Report> {
  return run(await plan("dismiss", { rooms }, options), options);
}

export { DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY, Emulator, type EmulatorOptions, startEmulator } from "./emulator/server.js";
export { CliError, ConfigError, ExitCode, InterruptedError, UsageError } from "./errors.js";
export type { IsMute, OperationKind, PlannedRequest, Result, ResultError, RoomIdMode, Status, Summary } from "./plan/types.js";
export { openStore } from "./store/open.js";
export type { Ban, BanQuery, InventoryStore, NewBan, Room, RoomFilters } from "./store/types.js";
export { TrtcClient, type TrtcClientOptions, type TrtcCredential } from "./trtc/client.js";
export { parseEndpoint } from "./trtc/endpoint.js";
export { TrtcError } from "./trtc/errors.js";
