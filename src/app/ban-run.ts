import { loadCredential } from "../config/credentials.js";
import type { Settings } from "../config/resolve.js";
import { InterruptedError, UsageError } from "../errors.js";
import { parseRoom } from "../plan/ids.js";
import { emptySummary, type PlannedRequest, type RoomIdMode, type RoomKey } from "../plan/types.js";
import type { Ban, InventoryStore } from "../store/types.js";
import { type BanRoom, planBanKicks, storeBans } from "./ban.js";
import { destinationOf, openAudit, type RunOutcome, reportPlanned, requireUsableProxy, runFacts, sendReported, sentNothing, verifierFor } from "./execute.js";
import { inventorySetup, openExistingInventory, openInventory } from "./inventory.js";
import type { Asking, RunFacts, RunPorts } from "./ports.js";
import { requireYes } from "./prepare.js";
import { sendableRooms } from "./sendable.js";
import type { Session } from "./session.js";

export interface BanInput {
  /** The room, or undefined for every room (--all-rooms). */
  room: string | undefined;
  /** Forced by --str-room/--numeric-room. */
  mode: RoomIdMode | undefined;
  /** Validated and distinct. */
  users: string[];
  forMs: number;
  reason: string | null;
  waitMs: number | undefined;
  yes: boolean;
  dryRun: boolean;
  ignoreMissing: boolean;
  /** --inventory. */
  inventory: string | undefined;
}

/** What a ban shows before it stores and sends, for the question. */
export interface BanConfirmation {
  users: string[];
  room: RoomKey | null;
  until: Date;
  sdkAppId: number;
  region: string;
  endpoint: string;
  requests: PlannedRequest[];
}

export interface BanPorts extends RunPorts, Asking {
  ready(facts: RunFacts): void;
  confirm(confirmation: BanConfirmation): Promise<"yes" | "no" | "interrupted">;
  /** The bans just stored. */
  stored(bans: Ban[]): void;
  /** What the user should know about what is (not) done: a dry run stores nothing, no live room to kick from. */
  info(message: string): void;
}

/** What would make the kick exit 3 after the bans were stored; a credentialCommand is left to the kick, which runs it once. */
async function checkCanSend(settings: Settings, env: NodeJS.ProcessEnv): Promise<void> {
  requireUsableProxy(env);
  if (settings.credentials.kind !== "command") await loadCredential(settings, env);
}

/** `ban`: confirm, store the bans, then kick, so a user racing back in is already caught by the receiver. Returns how the kicks ended. */
export async function runBan(session: Session, input: BanInput, ports: BanPorts): Promise<RunOutcome> {
  const { io } = session;
  const { users, forMs, dryRun } = input;
  requireYes(ports, input);
  const setup = await inventorySetup(session, input.inventory);
  const { settings, sdkAppId } = setup;
  const key = input.room === undefined ? null : parseRoom(input.room, input.mode ?? settings.roomIdMode);
  // Kicking from every room the inventory shows: an inventory that knows none must not pass for "no room".
  const store = key ? await openInventory(setup.url, io.signal) : await openExistingInventory(setup.url, io.signal);
  let requests: PlannedRequest[];
  try {
    // --all-rooms: the live rooms the inventory shows the users in, less those whose ids the API would refuse (with a warning).
    const sendable = (found: BanRoom[]) => sendableRooms(found, (f) => f.room, ports.warn).map(({ item }) => item);
    requests = await planBanKicks(store, sdkAppId, key, users, sendable);
    if (!dryRun) {
      await checkCanSend(settings, io.env);
      if (!input.yes) {
        const { region, endpoint } = settings;
        const until = new Date(Date.now() + forMs);
        const answer = await ports.confirm({ users, room: key, until, sdkAppId, region, endpoint: endpoint.url, requests });
        if (answer === "interrupted") throw new InterruptedError();
        if (answer === "no") throw new UsageError("cancelled: nothing was stored or sent");
      }
      // Stored after the answer: the ban lasts exactly --for from then.
      ports.stored(await storeBans(store, sdkAppId, key, users, input.reason, forMs));
    } else ports.info("dry run: no ban stored");
  } finally {
    await store.close();
  }
  if (io.signal.aborted) return { ...sentNothing(emptySummary()), interrupted: true };
  if (!key && requests.length === 0) ports.info("the inventory shows none of these users in a live room: nothing to kick now");
  return sendKicks(session, settings, sdkAppId, requests, { ...input, effects: () => openInventory(setup.url) }, ports);
}

/** The kicks of a ban, one room or all of them: the same engine, audit, results and outcome as `kick`. Already confirmed. */
async function sendKicks(
  session: Session,
  settings: Settings,
  sdkAppId: number,
  requests: PlannedRequest[],
  opts: { dryRun: boolean; ignoreMissing: boolean; waitMs: number | undefined; effects: () => Promise<InventoryStore> },
  ports: BanPorts,
): Promise<RunOutcome> {
  const { io } = session;
  ports.ready(runFacts(settings, sdkAppId, opts.dryRun));
  // Nothing to send (a dry run, or no live room shows the users): the planned results, if any, and the summary.
  if (opts.dryRun || requests.length === 0)
    return reportPlanned(io.signal, requests, await ports.results(requests.length, { sending: false, verifying: false }));
  const store = opts.waitMs === undefined ? undefined : await opts.effects();
  const audit = await openAudit(settings);
  try {
    const verifier = await verifierFor(session, async () => store, opts.waitMs, ports.warn);
    const credential = await loadCredential(settings, io.env, io.signal);
    const sink = await ports.results(requests.length, { sending: true, verifying: verifier !== undefined });
    return await sendReported(
      (async function* () {
        yield* requests;
      })(),
      {
        to: destinationOf(session, settings, credential),
        pace: session.run,
        ignoreMissing: opts.ignoreMissing,
        signal: io.signal,
        audit,
        ...(settings.auditLog !== undefined && { auditPath: settings.auditLog }),
        ...(verifier && { verifier }),
        ...(ports.debug && { debug: ports.debug }),
      },
      sink,
      ports.warn,
    );
  } finally {
    await audit.log?.close().catch(() => undefined);
    await store?.close();
  }
}
