/**
 * The library: the application layer the CLI's commands call (src/app), for programs that want
 * the engine without a subprocess. Errors carry the CLI's exit codes. `createAdmin` reads config
 * as the CLI does; kick, dismiss, mute, unmute and plan below take everything as options and read
 * no config.
 */
import { destinationFrom } from "./app/admin-options.js";
import { checkPace, type Report, type RunOptions, sendPlanned } from "./app/send.js";
import { planTarget, type Target } from "./app/targets.js";
import { UsageError } from "./errors.js";
import { reportOf } from "./exit-codes.js";
import type { OperationKind, PlannedRequest, RoomIdMode } from "./plan/types.js";

export interface AdminOptions extends RunOptions {
  sdkAppId: number;
  /** Never logged or returned. */
  credential: { secretId: string; secretKey: string; sessionToken?: string };
  /** A host or URL; http:// only for loopback (the emulator). Default trtc.tencentcloudapi.com. */
  endpoint?: string;
  /** ap-beijing, ap-guangzhou (default) or ap-singapore. */
  region?: string;
  /** How room ids are typed; "auto" (default): a canonical decimal is a numeric room, anything else a string room. */
  roomIdType?: RoomIdMode;
  /** For HTTPS_PROXY / NO_PROXY; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Validates every id before returning; throws UsageError (exitCode 2) naming the first bad one. */
export function plan(action: OperationKind, target: Target, options: Pick<AdminOptions, "sdkAppId" | "roomIdType">): Promise<PlannedRequest[]> {
  return planTarget(action, target, options.sdkAppId, options.roomIdType ?? "auto");
}

async function run(action: OperationKind, target: Target, options: AdminOptions): Promise<Report> {
  if (typeof options !== "object" || options === null) throw new UsageError("invalid options: expected an object");
  checkPace(options);
  const planned = await plan(action, target, options);
  return reportOf(await sendPlanned(planned, destinationFrom(options), options));
}

/** RemoveUser or RemoveUserByStrRoomId, 10 users a request. Validation errors throw before anything is sent. */
export function kick(room: string | number, userIds: string[], options: AdminOptions): Promise<Report> {
  return run("kick", { room, userIds }, options);
}

/** SetUserBlocked or SetUserBlockedByStrRoomId, one request per user; `isMute` 1 (default), 2 audio only, 3 video only. */
export function mute(room: string | number, userIds: string[], options: AdminOptions & { isMute?: 1 | 2 | 3 }): Promise<Report> {
  return run("mute", { room, userIds, isMute: options?.isMute ?? 1 }, options);
}

/** SetUserBlocked with IsMute 0. */
export function unmute(room: string | number, userIds: string[], options: AdminOptions): Promise<Report> {
  return run("mute", { room, userIds, isMute: 0 }, options);
}

/** DismissRoom or DismissRoomByStrRoomId, one request per distinct room. */
export function dismiss(rooms: (string | number)[], options: AdminOptions): Promise<Report> {
  return run("dismiss", { rooms }, options);
}

export { createAdmin } from "./app/admin.js";
export type { Admin, BanRequest, CallOptions, CreateAdminOptions } from "./app/admin-options.js";
export { DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY, Emulator, type EmulatorOptions, startEmulator } from "./emulator/server.js";
// CliError: the public name of the errors' base class (src/errors.ts's DomainError).
export { ConfigError, DomainError as CliError, InterruptedError, UsageError } from "./errors.js";
export { ExitCode } from "./exit-codes.js";
export type { IsMute, OperationKind, PlannedRequest, Result, ResultError, RoomIdMode, RoomKey, Status, Summary } from "./plan/types.js";
export { openStore } from "./store/open.js";
export type { Ban, BanQuery, InventoryStore, NewBan, Room, RoomFilters } from "./store/types.js";
export { TrtcClient, type TrtcClientOptions, type TrtcCredential } from "./trtc/client.js";
export { parseEndpoint } from "./trtc/endpoint.js";
export { TrtcError } from "./trtc/errors.js";
export type { Report, Target };
