import { loadCredential } from "../config/credentials.js";
import { InterruptedError, UsageError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { confirmOperation } from "../output/dialogs.js";
import { printInfo, printWarning } from "../output/messages.js";
import { createProgress } from "../output/progress.js";
import { Reporter } from "../output/reporter.js";
import type { Result } from "../plan/types.js";
import { RoomCloser } from "../store/live.js";
import type { Context } from "./context.js";
import { checkUsage, prepare, type RoomOperation, requireYes, throwIfInterrupted } from "./prepare.js";
import { openAudit, printRunBreadcrumb, reportPlanned, requireUsableProxy, sendReported, sharedBudgetsOf, verifierFor } from "./send-run.js";

export type { RoomOperation } from "./prepare.js";

function verbFor(op: RoomOperation, total: number): string {
  if (op.kind === "kick") return "Kick these users";
  if (op.kind === "mute") return `${op.isMute === 0 ? "Unmute" : "Mute"} these users`;
  return `Dismiss ${total === 1 ? "this room" : `these ${total} rooms`}`;
}

function nothingMessage(op: RoomOperation): string {
  if (op.retryFrom !== undefined) return `no failed or not-started request in ${op.retryFrom === "-" ? "stdin" : op.retryFrom}: nothing to retry`;
  if (op.allMembers) return "the inventory shows no member in the room: nothing to kick";
  return "no live room in the inventory matches: nothing to dismiss";
}

async function nothingToDo(ctx: Context, op: RoomOperation): Promise<number> {
  const { run, term } = ctx;
  if (run.format === "pretty" && !run.quiet) printInfo(term, nothingMessage(op));
  new Reporter(run.format, term, await createProgress(term, 0, false), run.quiet).finish();
  return ExitCode.ok;
}

/** kick, dismiss and mute: prepare (validate everything), confirm, then send under the scheduler. */
export async function runRoomOperation(ctx: Context, op: RoomOperation): Promise<number> {
  const { io, term } = ctx;
  checkUsage(ctx, op);
  // The sending engine (client, signer, scheduler) loads while config and input are read.
  if (!op.dryRun) import("../run/send.js").catch(() => undefined);
  const prepared = await prepare(ctx, op);
  try {
    const { settings, sdkAppId, total } = prepared;
    if (!op.dryRun) requireUsableProxy(io.env);
    throwIfInterrupted(io.signal);
    printRunBreadcrumb(ctx, settings, sdkAppId, op.dryRun);
    if (op.dryRun) return await reportPlanned(ctx, total, prepared.requests());
    // dismiss --live with no match, an empty room, nothing to retry: nothing to send, nothing to confirm.
    if (total === 0) return await nothingToDo(ctx, op);
    // --live and --all-members: checked only now that there is something to confirm.
    if (op.live || op.allMembers) requireYes(ctx, op);
    // Checked before anything is asked or sent: --wait without an inventory is a configuration error.
    const verifier = await verifierFor(ctx, prepared.effects, op.waitMs);

    const audit = await openAudit(settings);
    try {
      throwIfInterrupted(io.signal);
      if (!op.yes) {
        const answer = await confirmOperation(
          term,
          {
            verb: verbFor(op, total),
            total,
            sdkAppId,
            region: settings.region,
            endpoint: settings.endpoint.url,
            preview: prepared.preview,
          },
          io.signal,
        );
        if (answer === "interrupted") throw new InterruptedError();
        if (answer === "no") throw new UsageError("cancelled: nothing was sent");
      }
      const credential = await loadCredential(settings, io.env, io.signal);
      throwIfInterrupted(io.signal);
      // --live closes the rooms it read from the inventory; a plain dismiss only those the inventory shows live.
      const closer = prepared.inventory && new RoomCloser(sdkAppId, prepared.inventory, { onlyLive: !op.live });
      const budgets = await sharedBudgetsOf(ctx, prepared.ledger);
      return await sendReported(ctx, settings, credential, closer ? closer.track(prepared.requests()) : prepared.requests(), total, {
        ignoreMissing: op.ignoreMissing,
        audit,
        ...(budgets && { budgets }),
        ...(verifier && { verifier }),
        ...(closer && {
          onResult: (result: Result) => closer.add(result),
          afterSend: async () => {
            const { error, notClosed } = await closer.finish(io.signal);
            if (error) printWarning(term, `the rooms were dismissed, but the inventory could not record it: ${error.message}`);
            else if (notClosed > 0)
              printWarning(
                term,
                `${notClosed} dismissed rooms were not closed in the inventory (interrupted, and it did not answer in time); their 102s will close them`,
              );
          },
        }),
      });
    } finally {
      await audit.log?.close().catch(() => undefined);
    }
  } finally {
    await prepared.close();
  }
}
