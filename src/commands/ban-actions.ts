import type { Command } from "commander";
import { type BanRoom, planBanKicks, storeBans } from "../app/ban.js";
import { loadCredential } from "../config/credentials.js";
import type { Settings } from "../config/resolve.js";
import { InterruptedError, UsageError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { confirmBan, printBansStored } from "../output/bans.js";
import { printInfo } from "../output/messages.js";
import { parseRoom } from "../plan/ids.js";
import type { PlannedRequest } from "../plan/types.js";
import { type BanOptions, banDuration, banReason, banTargets } from "./ban-args.js";
import type { Context } from "./context.js";
import { inventorySetup, openExistingInventory, openInventory } from "./inventory.js";
import { sendable } from "./live.js";
import { waitMsFrom } from "./options.js";
import { requireYes } from "./prepare.js";
import { requireUsableProxy } from "./send-run.js";

/** --all-rooms: the live rooms the inventory shows the users in, less those whose ids the API would refuse (with a warning). */
const sendableRooms = (ctx: Context) => (found: BanRoom[]) => sendable(ctx, found, (f) => f.room).map(({ item }) => item);

/** What would make the kick exit 3 after the bans were stored; a credentialCommand is left to the kick, which runs it once. */
async function checkCanSend(settings: Settings, env: NodeJS.ProcessEnv): Promise<void> {
  requireUsableProxy(env);
  if (settings.credentials.kind !== "command") await loadCredential(settings, env);
}

/** `ban`: confirm, store the bans, then kick, so a user racing back in is already caught by the receiver. */
export async function ban(ctx: Context, cmd: Command, roomArg: string | undefined, userArgs: string[], opts: BanOptions): Promise<number> {
  const { io, term, run } = ctx;
  const targets = banTargets(roomArg, userArgs, opts);
  const forMs = banDuration(opts.for);
  const waitMs = waitMsFrom(opts.wait);
  const reason = banReason(opts.reason);
  const [yes, dryRun, ignoreMissing] = [Boolean(opts.yes), Boolean(opts.dryRun), Boolean(opts.ignoreMissing)];
  requireYes(ctx, { yes, dryRun });
  const setup = await inventorySetup(ctx, cmd);
  const { settings, sdkAppId } = setup;
  const key = targets.room === undefined ? null : parseRoom(targets.room, targets.mode ?? settings.roomIdMode);
  // Kicking from every room the inventory shows: an inventory that knows none must not pass for "no room".
  const store = key ? await openInventory(setup.url, io.signal) : await openExistingInventory(setup.url, io.signal);
  let requests: PlannedRequest[];
  try {
    requests = await planBanKicks(store, sdkAppId, key, targets.users, sendableRooms(ctx));
    if (!dryRun) {
      await checkCanSend(settings, io.env);
      if (!yes) {
        const answer = await confirmBan(
          term,
          {
            users: targets.users,
            room: key,
            until: new Date(Date.now() + forMs),
            sdkAppId,
            region: settings.region,
            endpoint: settings.endpoint.url,
            requests,
          },
          io.signal,
        );
        if (answer === "interrupted") throw new InterruptedError();
        if (answer === "no") throw new UsageError("cancelled: nothing was stored or sent");
      }
      // Stored after the answer: the ban lasts exactly --for from then.
      const stored = await storeBans(store, sdkAppId, key, targets.users, reason, forMs);
      if (!run.quiet) printBansStored(term, stored);
    } else if (!run.quiet) printInfo(term, "dry run: no ban stored");
  } finally {
    await store.close();
  }
  if (io.signal.aborted) return ExitCode.interrupted;
  if (!key && requests.length === 0 && !run.quiet) printInfo(term, "the inventory shows none of these users in a live room: nothing to kick now");
  const { sendKicks } = await import("./ban-kick.js");
  return sendKicks(ctx, settings, sdkAppId, requests, { dryRun, ignoreMissing, waitMs, effects: () => openInventory(setup.url) });
}
