import { requireSdkAppId, resolveSettings, type Settings } from "../config/resolve.js";
import { UsageError } from "../errors.js";
import { parseRoom } from "../plan/ids.js";
import { checkFromFile, INPUT_LIMITS, type InputSource, openInput } from "../plan/input.js";
import { checkArguments, planDismiss, planKick, planMute } from "../plan/plan.js";
import { Repeats } from "../plan/repeats.js";
import type { IsMute, OperationKind, PlannedRequest, RoomIdMode } from "../plan/types.js";
import type { LiveFilters } from "../store/live.js";
import type { InventoryStore } from "../store/types.js";
import { type InventoryOpener, inventoryOpener } from "./run-inventory.js";
import { loadConfigOf, type Session, throwIfInterrupted } from "./session.js";

/** How many requests a prepared run keeps to show before asking (output/dialogs.ts shows them). */
export const PREVIEW_SIZE = 5;

export interface RoomOperation {
  kind: OperationKind;
  /** kick and mute: the room argument. */
  room?: string;
  /** kick and mute: user ids; dismiss: rooms. */
  items: string[];
  /** mute: 0 unmute, 1 audio and video, 2 audio only, 3 video only. */
  isMute?: IsMute;
  fromFile?: string;
  /** Forced by --str-room/--numeric-room or by an API-named command. */
  roomIdMode?: RoomIdMode;
  yes: boolean;
  dryRun: boolean;
  ignoreMissing: boolean;
  /** dismiss --live: the inventory's live rooms matching these filters, instead of rooms given. */
  live?: LiveFilters;
  /** --inventory: where dismiss --live finds rooms, where a dismissal closes them, and whose rate slots a run shares. */
  inventory?: string;
  /** --wait: how long each done kick or dismissal waits for its effect in the inventory. */
  waitMs?: number;
  /** kick --all-members: every member the inventory shows in the room, instead of user ids given. */
  allMembers?: boolean;
  /** --retry-from: the failed and not-started requests of an earlier run's results file. */
  retryFrom?: string;
}

/** An operation checked end to end: every id valid, the config resolved, nothing sent yet. */
export interface Prepared {
  settings: Settings;
  sdkAppId: number;
  total: number;
  preview: PlannedRequest[];
  /** The requests, read again from the same input snapshot (repeats replayed, not re-found). */
  requests(): AsyncIterable<PlannedRequest>;
  /** dismiss: the inventory in which its rooms are closed, if there is one (opened on first use). */
  inventory?: () => Promise<InventoryStore | undefined>;
  /** An inventory set explicitly: every process using it shares one rate budget per (SdkAppId, action). */
  ledger?: () => Promise<InventoryStore | undefined>;
  /** The inventory --wait reads effects from, if there is one. */
  effects: () => Promise<InventoryStore | undefined>;
  close(): Promise<void>;
}

const nothingGiven = (op: RoomOperation) => (op.kind === "dismiss" ? "no rooms given" : "no user ids given");

/** Nothing is changed unasked: without a terminal to ask on, --yes (or --dry-run) is required. */
export function requireYes(asker: { readonly interactive: boolean }, op: { yes: boolean; dryRun: boolean }): void {
  if (!op.yes && !op.dryRun && !asker.interactive) throw new UsageError("--yes is required when not running interactively");
}

/** What the command line alone decides: usage errors come before any config is read. */
export function checkUsage(asker: { readonly interactive: boolean }, op: RoomOperation): void {
  if (op.retryFrom !== undefined) return checkRetryUsage(asker, op, op.retryFrom);
  if (op.kind !== "dismiss" && op.room === undefined) throw new UsageError("no room given", "pass the room first, then the user ids");
  if (op.allMembers) {
    if (op.items.length > 0 || op.fromFile !== undefined)
      throw new UsageError(
        "--all-members takes no user ids: it kicks every member the inventory shows",
        "drop the user ids or --from-file, or drop --all-members",
      );
    // --yes is checked once the members are known: an empty room asks nothing, so needs no --yes.
    return checkArguments(op.kind, op.room, [], op.roomIdMode);
  }
  if (op.live) {
    if (op.items.length > 0 || op.fromFile !== undefined)
      throw new UsageError(
        "--live takes no rooms: it dismisses the inventory's live rooms that match the filters",
        "drop the room arguments or --from-file, or drop --live",
      );
    // --yes is checked once the matches are known: no match asks nothing, so needs no --yes.
    return;
  }
  if (op.items.length === 0 && op.fromFile === undefined) throw new UsageError(nothingGiven(op), "pass them as arguments or with --from-file <path|->");
  checkFromFile(op.fromFile);
  if (op.fromFile === "-" && !op.yes && !op.dryRun) {
    throw new UsageError("--yes is required with --from-file -", "standard input carries the ids, so it cannot also answer the confirmation");
  }
  requireYes(asker, op);
  checkArguments(op.kind, op.room, op.items, op.roomIdMode);
}

function checkRetryUsage(asker: { readonly interactive: boolean }, op: RoomOperation, path: string): void {
  if (op.room !== undefined || op.items.length > 0 || op.fromFile !== undefined || op.allMembers)
    throw new UsageError(
      "--retry-from takes no rooms, user ids, --from-file or --all-members: it re-sends requests of the results file",
      "drop them, or drop --retry-from",
    );
  if (path !== path.trim()) throw new UsageError(`--retry-from ${JSON.stringify(path)} has leading or trailing whitespace`, "remove it");
  if (op.isMute === 2 || op.isMute === 3)
    throw new UsageError("--audio-only and --video-only do not apply to --retry-from: each request keeps its result's isMute");
  if (path === "-" && !op.yes && !op.dryRun)
    throw new UsageError("--yes is required with --retry-from -", "standard input carries the results, so it cannot also answer the confirmation");
  requireYes(asker, op);
}

/** Reads config and input, and validates every request before anything is sent; ids the inventory holds that the API would refuse are skipped with a warning. */
export async function prepare(session: Session, op: RoomOperation, warn: (message: string) => void): Promise<Prepared> {
  const { io } = session;
  const loaded = await loadConfigOf(session);
  const settings = resolveSettings(loaded, session.flags, io.env);
  throwIfInterrupted(io.signal);
  if (op.live) return (await import("./live.js")).prepareLive(session, op, loaded, settings, warn);
  if (op.allMembers) return (await import("./all-members.js")).prepareAllMembers(session, op, loaded, settings, warn);
  if (op.retryFrom !== undefined) return (await import("./retry.js")).prepareRetry(session, op, settings, inventoryOpener(session, loaded, op));
  const mode = op.roomIdMode ?? settings.roomIdMode;
  const room = op.kind === "dismiss" ? undefined : parseRoom(op.room!, mode);
  const source: InputSource = await openInput(op.items, op.fromFile, () => io.stdin, io.signal, io.env.TMPDIR || undefined, INPUT_LIMITS, io.atExit);
  try {
    const repeats = new Repeats();
    const plan = (sdkAppId: number) => {
      if (op.kind === "kick") return planKick(sdkAppId, room!, source.items(), repeats);
      if (op.kind === "mute") return planMute(sdkAppId, room!, source.items(), op.isMute!, repeats);
      return planDismiss(sdkAppId, source.items(), mode, repeats);
    };
    // Every id is checked before anything is sent, and before a missing SdkAppId is reported.
    const { total, preview } = await walkPlanned(plan(settings.sdkAppId ?? 0), io.signal);
    if (total === 0) throw new UsageError(nothingGiven(op), "the input held only blank or # lines");
    const sdkAppId = requireSdkAppId(settings);
    const run = { settings, sdkAppId, total, preview: preview.map((p) => ({ ...p, sdkAppId })), requests: () => plan(sdkAppId) };
    return preparedOver(source, inventoryOpener(session, loaded, op), run);
  } catch (err) {
    await source.close();
    throw err;
  }
}

/** Plans every request once, so that a bad one fails the run before anything is sent; keeps the first few to preview. */
export async function walkPlanned(requests: AsyncIterable<PlannedRequest>, signal: AbortSignal): Promise<{ total: number; preview: PlannedRequest[] }> {
  let total = 0;
  const preview: PlannedRequest[] = [];
  for await (const request of requests) {
    if (total++ < PREVIEW_SIZE) preview.push(request);
    if (total % 1024 === 0) throwIfInterrupted(signal);
  }
  return { total, preview };
}

/** A run that reads its input again as it sends: closing it closes the input and the inventory. */
export function preparedOver(
  source: { close(): Promise<void> },
  inventory: InventoryOpener,
  run: Pick<Prepared, "settings" | "sdkAppId" | "total" | "preview" | "requests">,
): Prepared {
  return {
    ...run,
    ...inventory.stores,
    async close() {
      await source.close();
      await inventory.close();
    },
  };
}
