/** createAdmin's options and the client's shape; each option checked as the CLI checks the flag or setting it stands for. */
import { checkFlagValues, type GlobalFlags, parseSdkAppId } from "../config/resolve.js";
import { UsageError } from "../errors.js";
import type { OperationKind, PlannedRequest, RoomIdMode } from "../plan/types.js";
import type { Ban, Room, RoomFilters } from "../store/types.js";
import type { TrtcCredential } from "../trtc/client.js";
import { DEFAULT_ENDPOINT, DEFAULT_REGION, parseEndpoint } from "../trtc/endpoint.js";
import type { Destination, Pace, Report, RunOptions } from "./send.js";
import type { Target } from "./targets.js";

export interface CreateAdminOptions extends Pace {
  /** Where the config search starts (and relative paths resolve); default process.cwd(). */
  cwd?: string;
  /** The environment the CLI would read (TRTC_*, TENCENTCLOUD_*, ${VAR}, HTTPS_PROXY); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** A config file, as --config; default the search (or TRTC_CONFIG). */
  config?: string;
  profile?: string;
  sdkAppId?: number;
  region?: string;
  /** A host or URL; http:// only for loopback (the emulator). */
  endpoint?: string;
  /** Never logged or returned; default the profile's or the environment's, as the CLI chooses. */
  credential?: { secretId: string; secretKey: string; sessionToken?: string };
  /** The room inventory, as --inventory: a file path, file: or postgres:// URL. */
  inventory?: string;
  roomIdType?: RoomIdMode;
  ignoreMissing?: boolean;
  signal?: AbortSignal;
  onResult?: RunOptions["onResult"];
}

/** Per call: wins over the client's options. */
export type CallOptions = Pick<RunOptions, "ignoreMissing" | "signal" | "onResult">;

export interface BanRequest {
  /** The room, or null for every room (kicking from each live room the inventory shows the users in). */
  room: string | number | null;
  userIds: string[];
  /** How long, in milliseconds: 10 s to 7 days. */
  forMs: number;
  reason?: string;
}

export interface Admin {
  kick(room: string | number, userIds: string[], options?: CallOptions): Promise<Report>;
  dismiss(rooms: (string | number)[], options?: CallOptions): Promise<Report>;
  mute(room: string | number, userIds: string[], options?: CallOptions & { isMute?: 1 | 2 | 3 }): Promise<Report>;
  unmute(room: string | number, userIds: string[], options?: CallOptions): Promise<Report>;
  /** The requests an action would send (the CLI's --dry-run); nothing is sent. */
  plan(action: OperationKind, target: Target): Promise<PlannedRequest[]>;
  /** Stores the bans, then kicks the users (the CLI's `ban --yes`). */
  ban(request: BanRequest, options?: CallOptions): Promise<{ bans: Ban[]; report: Report }>;
  /** Ends the users' active bans in `room` (null: their all-rooms bans); returns those ended. */
  unban(room: string | number | null, userIds: string[]): Promise<Ban[]>;
  rooms: {
    list(filters?: RoomFilters): Promise<Room[]>;
    show(room: string | number): Promise<Room | undefined>;
  };
  bans: { list(options?: { all?: boolean }): Promise<Ban[]> };
  /** Closes the inventory, if one was opened; the client cannot be used after. */
  close(): Promise<void>;
}

export function optionalString(value: unknown, name: string): string | undefined {
  if (value !== undefined && typeof value !== "string") throw new UsageError(`invalid options.${name}: expected a string`);
  return value;
}

/** The options as the CLI's global flags, each checked as the CLI checks its flag. */
export function flagsOf(options: CreateAdminOptions): GlobalFlags {
  const flags: GlobalFlags = {};
  for (const key of ["profile", "region", "endpoint"] as const) {
    const value = optionalString(options[key], key);
    if (value !== undefined) flags[key] = value;
  }
  if (options.sdkAppId !== undefined) flags.sdkAppId = String(parseSdkAppId(options.sdkAppId, "flag", "options.sdkAppId"));
  checkFlagValues(flags);
  return flags;
}

export function credentialOf(given: NonNullable<CreateAdminOptions["credential"]>): TrtcCredential {
  const { secretId, secretKey, sessionToken } = (typeof given === "object" && given) || ({} as Record<string, unknown>);
  if (typeof secretId !== "string" || !secretId || typeof secretKey !== "string" || !secretKey)
    throw new UsageError("invalid options.credential: expected non-empty strings secretId and secretKey");
  if (sessionToken !== undefined && typeof sessionToken !== "string") throw new UsageError("invalid options.credential.sessionToken: expected a string");
  return sessionToken ? { secretId, secretKey, token: sessionToken } : { secretId, secretKey };
}

/** Where the standalone functions send: the options only, no config read, each checked as createAdmin checks it. */
export function destinationFrom(options: Pick<CreateAdminOptions, "region" | "endpoint" | "credential" | "env">): Destination {
  const flags = flagsOf({ region: options.region, endpoint: options.endpoint });
  return {
    endpoint: parseEndpoint(flags.endpoint ?? DEFAULT_ENDPOINT),
    region: flags.region ?? DEFAULT_REGION,
    credential: credentialOf(options.credential ?? ({} as NonNullable<CreateAdminOptions["credential"]>)),
    env: options.env ?? process.env,
  };
}
