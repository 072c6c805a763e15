/**
 * The library's client: configuration as the CLI reads it (the same loader and resolution),
 * the CLI's planning, engine, Results and exit codes, and one set of rate budgets per client.
 */
import { Readable } from "node:stream";
import { loadCredential } from "../config/credentials.js";
import { optionFromEnv } from "../config/env.js";
import { inventoryIsExplicit } from "../config/inventory.js";
import type { Settings } from "../config/resolve.js";
import { UsageError } from "../errors.js";
import { reportOf } from "../exit-codes.js";
import { parseRoom } from "../plan/ids.js";
import type { IsMute, OperationKind, PlannedRequest, Result, RoomIdMode, RoomKey } from "../plan/types.js";
import type { Budgets } from "../run/budgets.js";
import type { InventoryStore } from "../store/types.js";
import { storeExists } from "../store/url.js";
import { banMethods } from "./admin-bans.js";
import { type Admin, type CallOptions, type CreateAdminOptions, credentialOf, flagsOf, optionalString } from "./admin-options.js";
import { requireUsableProxy, sharedBudgetsOf } from "./execute.js";
import { inventorySetup, openExistingInventory, openInventory } from "./inventory.js";
import { checkPace, type Destination, type Report, type RunOptions, sendPlanned } from "./send.js";
import type { Session } from "./session.js";
import { planTarget, roomText, type Target } from "./targets.js";

export interface Setup {
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

  const config = configPath ?? optionFromEnv(env, "config");
  // The session a CLI command would have: the same config loading, an abort stopping its wait. A program has no stdin to read ids from.
  const session: Session = {
    io: { stdin: Readable.from([]), env, cwd, signal: options.signal ?? new AbortController().signal },
    flags: { ...flags, ...(config !== undefined && { config }) },
    run: { concurrency: pace.concurrency, rate: pace.rate, maxAttempts: pace.maxAttempts, timeoutMs: Math.round(pace.timeoutSeconds * 1000) },
  };
  const setup = once(async (): Promise<Setup> => {
    const { loaded, settings, sdkAppId, url } = await inventorySetup(session, inventoryFlag);
    const invFlags = { ...session.flags, ...(inventoryFlag !== undefined && { inventory: inventoryFlag }) };
    return {
      settings,
      sdkAppId,
      mode: options.roomIdType ?? settings.roomIdMode,
      inventoryUrl: url,
      explicitInventory: inventoryIsExplicit(loaded, invFlags, env),
    };
  });
  // A credentialCommand runs once per client.
  const credential = once(async () => explicitCredential ?? loadCredential((await setup()).settings, env, options.signal));
  let store: Promise<InventoryStore> | undefined;
  const inventory = async (mustExist: boolean): Promise<InventoryStore> => {
    const { inventoryUrl } = await setup();
    if (!store) {
      store = mustExist ? openExistingInventory(inventoryUrl) : openInventory(inventoryUrl);
      store.catch(() => (store = undefined));
    }
    return store;
  };
  /**
   * Budgets shared with every process on an explicitly set inventory, else with this process. As
   * in the CLI, a store that cannot be opened costs only the sharing: the call paces itself alone.
   */
  const budgets = async (): Promise<Budgets | undefined> => {
    const ledger = (await setup()).explicitInventory ? () => inventory(false) : undefined;
    return sharedBudgetsOf(ledger, session.run.timeoutMs, () => undefined);
  };
  const usable = () => {
    if (closed) throw new UsageError("this client is closed");
  };
  /** Where requests go, checked as the CLI checks before anything is sent or stored. */
  async function destination(): Promise<Destination> {
    const { settings } = await setup();
    requireUsableProxy(env);
    const shared = await budgets();
    return { endpoint: settings.endpoint, region: settings.region, credential: await credential(), env, ...(shared && { budgets: shared }) };
  }
  /**
   * As the CLI's dismiss: the rooms dismissed are closed in the inventory, when there is one (an
   * explicitly set one is created), so a lost 102 callback heals. A failed write loses only that.
   */
  async function dismissAndClose(rooms: (string | number)[], call: CallOptions = {}): Promise<Report> {
    const requests = await planned("dismiss", { rooms });
    const to = await destination();
    const { sdkAppId, inventoryUrl, explicitInventory } = await setup();
    if (!explicitInventory && !storeExists(inventoryUrl)) return send(requests, call, to);
    const { RoomCloser } = await import("../store/live.js");
    const closer = new RoomCloser(sdkAppId, () => inventory(false), { onlyLive: true });
    try {
      return await send(
        requests,
        call,
        to,
        (all) => closer.track(all),
        (result) => closer.add(result),
      );
    } finally {
      await closer.finish(call.signal ?? options.signal ?? new AbortController().signal);
    }
  }
  async function send(
    planned: PlannedRequest[],
    call: CallOptions = {},
    to?: Destination,
    track?: (requests: AsyncIterable<PlannedRequest>) => AsyncIterable<PlannedRequest>,
    observe?: (result: Result) => void,
  ): Promise<Report> {
    const run: RunOptions = { ...pace, ignoreMissing: options.ignoreMissing, signal: options.signal, onResult: options.onResult };
    for (const key of ["ignoreMissing", "signal", "onResult"] as const) if (call[key] !== undefined) Object.assign(run, { [key]: call[key] });
    return reportOf(await sendPlanned(planned, to ?? (await destination()), run, track, observe));
  }
  async function planned(action: OperationKind, target: Target): Promise<PlannedRequest[]> {
    usable();
    const { sdkAppId, mode } = await setup();
    return planTarget(action, target, sdkAppId, mode);
  }
  async function roomKey(room: string | number, where = "room"): Promise<RoomKey> {
    return parseRoom(roomText(room, where), (await setup()).mode);
  }
  return {
    kick: async (room, userIds, call) => send(await planned("kick", { room, userIds }), call),
    dismiss: dismissAndClose,
    mute: async (room, userIds, call) => send(await planned("mute", { room, userIds, isMute: (call?.isMute ?? 1) as IsMute }), call),
    unmute: async (room, userIds, call) => send(await planned("mute", { room, userIds, isMute: 0 }), call),
    plan: planned,
    ...banMethods({ setup, inventory, destination, send, roomKey, usable }),
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

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make();
    // A failure (a config error, an interrupted credentialCommand) is not kept: the next call tries again.
    made.catch(() => (made = undefined));
    return made;
  };
}
