import { loadCredential } from "../config/credentials.js";
import type { Settings } from "../config/resolve.js";
import type { PlannedRequest } from "../plan/types.js";
import type { InventoryStore } from "../store/types.js";
import type { Context } from "./context.js";
import { openAudit, printRunBreadcrumb, reportPlanned, sendReported, verifierFor } from "./send-run.js";

async function* each(requests: PlannedRequest[]): AsyncIterable<PlannedRequest> {
  yield* requests;
}

/** The kicks of a ban, one room or all of them: the same engine, audit, results and exit codes as `kick`. Already confirmed. */
export async function sendKicks(
  ctx: Context,
  settings: Settings,
  sdkAppId: number,
  requests: PlannedRequest[],
  opts: { dryRun: boolean; ignoreMissing: boolean; waitMs: number | undefined; effects: () => Promise<InventoryStore> },
): Promise<number> {
  printRunBreadcrumb(ctx, settings, sdkAppId, opts.dryRun);
  // Nothing to send (a dry run, or no live room shows the users): the planned results, if any, and the summary.
  if (opts.dryRun || requests.length === 0) return reportPlanned(ctx, requests.length, requests);
  const store = opts.waitMs === undefined ? undefined : await opts.effects();
  const audit = await openAudit(settings);
  try {
    const verifier = await verifierFor(ctx, async () => store, opts.waitMs);
    const credential = await loadCredential(settings, ctx.io.env, ctx.io.signal);
    return await sendReported(ctx, settings, credential, each(requests), requests.length, {
      ignoreMissing: opts.ignoreMissing,
      audit,
      ...(verifier && { verifier }),
    });
  } finally {
    await audit.log?.close().catch(() => undefined);
    await store?.close();
  }
}
