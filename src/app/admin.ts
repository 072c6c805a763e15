/**
 * The library's client: configuration as the CLI reads it (the same loader and resolution),
 * the CLI's planning, engine, Results and exit codes, and one set of rate budgets per client.
 */
import { loadCredential } from "../config/credentials.js";
import { optionFromEnv } from "../config/env.js";
import { inventoryIsExplicit, resolveInventoryUrl } from "../config/inventory.js";
import { loadConfig } from "../config/load.js";
import { checkFlagValues, type GlobalFlags, parseSdkAppId, requireSdkAppId, resolveSettings, type Settings } from "../config/resolve.js";
import { ConfigError, UsageError } from "../errors.js";
import { parseRoom } from "../plan/ids.js";
import { checkArguments } from "../plan/plan.js";
import type { IsMute, OperationKind, PlannedRequest, RoomIdMode } from "../plan/types.js";
import type { Budgets } from "../run/budgets.js";
import type { Ban, InventoryStore, Room, RoomFilters, RoomKey } from "../store/types.js";
import { storeExists } from "../store/url.js";
import type { TrtcCredential } from "../trtc/client.js";
import { planBanKicks, storeBans } from "./ban.js";
import { WHICH_STORE } from "./inventory.js";
import { checkPace, type Pace, type Report, type RunOptions, sendPlanned } from "./send.js";
import { planTarget, roomText, type Target, userText } from "./targets.js";

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

const MIN_BAN_MS = 10_000;
const MAX_BAN_MS = 7 * 86_400_000;

function optionalString(value: unknown, name: string): string | undefined {
  if (value !== undefined && typeof value !== "string") throw new UsageError(`invalid options.${name}: expected a string`);
  return value;
}

/** The options as the CLI's global flags, each checked as the CLI checks its flag. */
function flagsOf(options: CreateAdminOptions): GlobalFlags {
  const flags: GlobalFlags = {};
  for (const key of ["profile", "region", "endpoint"] as const) {
    const value = optionalString(options[key], key);
    if (value !== undefined) flags[key] = value;
  }
  if (options.sdkAppId !== undefined) flags.sdkAppId = String(parseSdkAppId(options.sdkAppId, "flag", "options.sdkAppId"));
  checkFlagValues(flags);
  return flags;
}

function credentialOf(given: NonNullable<CreateAdminOptions["credential"]>): TrtcCredential {
  const { secretId, secretKey, sessionToken } = (typeof given === "object" && given) || ({} as Record<string, unknown>);
  if (typeof secretId !== "string" || !secretId || typeof secretKey !== "string" || !secretKey)
    throw new UsageError("invalid options.credential: expected non-empty strings secretId and secretKey");
  if (sessionToken !== undefined && typeof sessionToken !== "string") throw new UsageError("invalid options.credential.sessionToken: expected a string");
  return sessionToken ? { secretId, secretKey, token: sessionToken } : { secretId, secretKey };
}

interface Setup {
  settings: Settings;
  sdkAppId: number;
  mode: RoomIdMode;
  inventoryUrl: string;
  explicitInventory: boolean;
}

/** A client for programs. Nothing is read until the first call; config errors reject that call (ConfigError, exit code 3). */
export function createAdmin(options: CreateAdminOptions = {}): Admin {
  if (typeof options !== "object" || options === null) throw new UsageError("invalid options: expected an object");
  const env = options.env ?? process.env;
  const cwd = optionalString(options.cwd, "cwd") ?? process.cwd();
  const flags = flagsOf(options);
  const pace = checkPace(options);
  const inventoryFlag = optionalString(options.inventory, "inventory");
  const explicitCredential = options.credential === undefined ? undefined : credentialOf(options.credential);
  const configPath = optionalString(options.config, "config");
  if (options.roomIdType !== undefined && !["auto", "numeric", "string"].includes(options.roomIdType))
    throw new UsageError(`invalid options.roomIdType ${JSON.stringify(options.roomIdType)}: expected auto, numeric or string`);
  let closed = false;

  const setup = once(async (): Promise<Setup> => {
    const loaded = await loadConfig(configPath ?? optionFromEnv(env, "config"), cwd, env);
    const settings = resolveSettings(loaded, flags, env);
    const invFlags = { ...flags, ...(inventoryFlag !== undefined && { inventory: inventoryFlag }) };
    return {
      settings,
      sdkAppId: requireSdkAppId(settings),
      mode: options.roomIdType ?? settings.roomIdMode,
      inventoryUrl: resolveInventoryUrl(loaded, invFlags, env, cwd),
      explicitInventory: inventoryIsExplicit(loaded, invFlags, env),
    };
  });
  // A credentialCommand runs once per client.
  const credential = once(async () => explicitCredential ?? loadCredential((await setup()).settings, env, options.signal));
  let store: Promise<InventoryStore> | undefined;
  const inventory = async (mustExist: boolean): Promise<InventoryStore> => {
    const { inventoryUrl } = await setup();
    if (!store) {
      if (mustExist && !storeExists(inventoryUrl)) throw new ConfigError("the inventory does not exist", WHICH_STORE);
      const { openStore } = await import("../store/open.js");
      store = openStore(inventoryUrl);
      store.catch(() => (store = undefined));
    }
    return store;
  };
  // Budgets shared with every process on an explicitly set inventory, else with this process.
  const budgets = once(async (): Promise<Budgets | undefined> => {
    if (!(await setup()).explicitInventory) return undefined;
    const { sharedBudgets } = await import("../run/budgets.js");
    return sharedBudgets(await inventory(false), Math.round(pace.timeoutSeconds * 1000));
  });

  const usable = () => {
    if (closed) throw new UsageError("this client is closed");
  };
  async function send(planned: PlannedRequest[], call: CallOptions = {}): Promise<Report> {
    const { settings } = await setup();
    const to = { endpoint: settings.endpoint, region: settings.region, credential: await credential(), env };
    const shared = await budgets();
    const run: RunOptions = { ...pace, ignoreMissing: options.ignoreMissing, signal: options.signal, onResult: options.onResult };
    for (const key of ["ignoreMissing", "signal", "onResult"] as const) if (call[key] !== undefined) Object.assign(run, { [key]: call[key] });
    return sendPlanned(planned, { ...to, ...(shared && { budgets: shared }) }, run);
  }
  async function planned(action: OperationKind, target: Target): Promise<PlannedRequest[]> {
    usable();
    const { sdkAppId, mode } = await setup();
    return planTarget(action, target, sdkAppId, mode);
  }
  async function roomKey(room: string | number, where = "room"): Promise<RoomKey> {
    const parsed = parseRoom(roomText(room, where), (await setup()).mode);
    return { roomIdType: parsed.type, roomId: parsed.id };
  }
  async function banTarget(room: string | number | null, userIds: unknown): Promise<{ key: RoomKey | null; users: string[] }> {
    usable();
    if (!Array.isArray(userIds) || userIds.length === 0) throw new UsageError("no user ids given");
    const users = [...new Set(userIds.map((u, i) => userText(u, `userIds[${i}]`)))];
    const key = room === null ? null : await roomKey(room);
    // The CLI's checks of ban's arguments: those of kick, as a ban is a kick kept up.
    checkArguments("kick", key ? String(key.roomId) : undefined, users, key?.roomIdType);
    return { key, users };
  }

  return {
    kick: async (room, userIds, call) => send(await planned("kick", { room, userIds }), call),
    dismiss: async (rooms, call) => send(await planned("dismiss", { rooms }), call),
    mute: async (room, userIds, call) => send(await planned("mute", { room, userIds, isMute: (call?.isMute ?? 1) as IsMute }), call),
    unmute: async (room, userIds, call) => send(await planned("mute", { room, userIds, isMute: 0 }), call),
    plan: planned,
    async ban(request, call) {
      if (typeof request !== "object" || request === null) throw new UsageError("invalid ban: expected { room, userIds, forMs }");
      const { key, users } = await banTarget(request.room, request.userIds);
      if (typeof request.forMs !== "number" || !(request.forMs >= MIN_BAN_MS && request.forMs <= MAX_BAN_MS))
        throw new UsageError(`invalid forMs ${String(request.forMs)}: a ban lasts from 10000 (10 s) to ${MAX_BAN_MS} (7 days)`);
      const reason = optionalString(request.reason, "reason") ?? null;
      const { sdkAppId } = await setup();
      const db = await inventory(key === null);
      const requests = await planBanKicks(db, sdkAppId, key, users, (found) => found.filter(({ room }) => sendableKey(room)));
      await credential();
      const bans = await storeBans(db, sdkAppId, key, users, reason, request.forMs);
      return { bans, report: await send(requests, call) };
    },
    async unban(room, userIds) {
      const { key, users } = await banTarget(room, userIds);
      return (await inventory(false)).endBans((await setup()).sdkAppId, key, users, Date.now());
    },
    rooms: {
      async list(filters = {}) {
        usable();
        if (typeof filters !== "object" || filters === null) throw new UsageError("invalid filters: expected an object");
        return (await inventory(true)).listRooms((await setup()).sdkAppId, filters);
      },
      async show(room) {
        usable();
        const key = await roomKey(room);
        return (await inventory(true)).getRoom((await setup()).sdkAppId, key);
      },
    },
    bans: {
      async list(opts = {}) {
        usable();
        return (await inventory(true)).listBans((await setup()).sdkAppId, { all: Boolean(opts.all) });
      },
    },
    async close() {
      closed = true;
      await (await store?.catch(() => undefined))?.close();
      store = undefined;
    },
  };
}

/** Whether the API would accept a room id the inventory holds (it stores what callbacks said). */
function sendableKey(room: RoomKey): boolean {
  try {
    parseRoom(String(room.roomId), room.roomIdType);
    return true;
  } catch (err) {
    if (err instanceof UsageError) return false;
    throw err;
  }
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make();
    // A failure (a config error, an interrupted credentialCommand) is not kept: the next call tries again.
    made.catch(() => (made = undefined));
    return made;
  };
}
