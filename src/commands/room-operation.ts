import { describeCredentialSource, loadCredential } from "../config/credentials.js";
import { ConfigError, ExitCode, InterruptedError, UsageError } from "../errors.js";
import { AuditLog } from "../output/audit.js";
import { confirmOperation } from "../output/dialogs.js";
import { printBreadcrumb, printInfo, printRetry, printTrace, printWarning } from "../output/messages.js";
import { createProgress } from "../output/progress.js";
import { Reporter } from "../output/reporter.js";
import { plannedResult, type Result } from "../plan/types.js";
import { proxyProblem } from "../trtc/proxy.js";
import type { Context } from "./context.js";
import { checkUsage, type Prepared, prepare, type RoomOperation, throwIfInterrupted } from "./prepare.js";

export type { RoomOperation } from "./prepare.js";

function verbFor(op: RoomOperation, total: number): string {
  if (op.kind === "kick") return "Kick these users";
  if (op.kind === "mute") return `${op.isMute === 0 ? "Unmute" : "Mute"} these users`;
  return `Dismiss ${total === 1 ? "this room" : `these ${total} rooms`}`;
}

async function nothingToDo(ctx: Context): Promise<number> {
  const { run, term } = ctx;
  if (run.format === "pretty" && !run.quiet) printInfo(term, "no live room in the inventory matches: nothing to dismiss");
  new Reporter(run.format, term, await createProgress(term, 0, false), run.quiet).finish();
  return ExitCode.ok;
}

async function dryRun(ctx: Context, prepared: Prepared): Promise<number> {
  const { run, term, io } = ctx;
  const reporter = new Reporter(run.format, term, await createProgress(term, prepared.total, false), run.quiet);
  for await (const request of prepared.requests()) {
    throwIfInterrupted(io.signal);
    await reporter.result(plannedResult(request));
  }
  reporter.finish();
  return ExitCode.ok;
}

/** kick, dismiss and mute: prepare (validate everything), confirm, then send under the scheduler. */
export async function runRoomOperation(ctx: Context, op: RoomOperation): Promise<number> {
  const { io, term, run } = ctx;
  checkUsage(ctx, op);
  // The sending engine (client, signer, scheduler) loads while config and input are read.
  const engine = op.dryRun ? undefined : import("../run/send.js");
  engine?.catch(() => undefined);
  const prepared = await prepare(ctx, op);
  try {
    const { settings, sdkAppId, total } = prepared;
    const proxy = op.dryRun ? undefined : proxyProblem(io.env);
    if (proxy) throw new ConfigError(`HTTPS_PROXY: ${proxy}`, "set HTTPS_PROXY to a URL such as http://proxy.example:3128, or unset it");
    throwIfInterrupted(io.signal);
    if (run.format === "pretty" && !run.quiet) {
      const credentials = op.dryRun ? "not needed for --dry-run" : describeCredentialSource(settings);
      printBreadcrumb(term, { profile: settings.profile, sdkAppId, region: settings.region, endpoint: settings.endpoint.url, credentials });
    }
    if (op.dryRun) return await dryRun(ctx, prepared);
    // dismiss --live with no match: nothing to send, nothing to confirm.
    if (total === 0) return await nothingToDo(ctx);

    // A run that cannot be audited does not start; a write that fails mid-run stops new requests.
    const auditFailed = new AbortController();
    const audit = settings.auditLog ? await AuditLog.open(settings.auditLog, settings.profile, () => auditFailed.abort()) : undefined;
    try {
      throwIfInterrupted(io.signal);
      if (!op.yes) {
        const answer = await confirmOperation(term, {
          verb: verbFor(op, total),
          total,
          sdkAppId,
          region: settings.region,
          endpoint: settings.endpoint.url,
          preview: prepared.preview,
        });
        if (answer === "interrupted") throw new InterruptedError();
        if (answer === "no") throw new UsageError("cancelled: nothing was sent");
      }
      const credential = await loadCredential(settings, io.env, io.signal);
      throwIfInterrupted(io.signal);
      const { sendAll, exitCodeFor } = await engine!;
      const reporter = new Reporter(run.format, term, await createProgress(term, total, !run.quiet), run.quiet);
      const dismissed: Result[] = [];
      const debug = run.debug ? { trace: (event: Parameters<typeof printTrace>[1]) => printTrace(term, event), onRetry: printRetry.bind(null, term) } : {};
      const report = await sendAll(
        prepared.requests(),
        {
          endpoint: settings.endpoint,
          region: settings.region,
          credential,
          env: io.env,
          concurrency: run.concurrency,
          rate: run.rate,
          maxAttempts: run.maxAttempts,
          timeoutMs: run.timeoutMs,
          ignoreMissing: op.ignoreMissing,
          signal: AbortSignal.any([io.signal, auditFailed.signal]),
          ...debug,
        },
        (result) => {
          audit?.record(result);
          if (prepared.closeRooms) dismissed.push(result);
          return reporter.result(result);
        },
      );
      const closing = await prepared.closeRooms?.(dismissed).then(
        () => undefined,
        (err: Error) => err,
      );
      if (closing) printWarning(term, `the rooms were dismissed, but the inventory could not record it: ${closing.message}`);
      const code = exitCodeFor(reporter.finish(), report, io.signal.aborted);
      const auditError = await audit?.close().then(
        () => undefined,
        (err: Error) => err,
      );
      if (!auditError) return code;
      printWarning(
        term,
        `could not write the audit log ${settings.auditLog}: ${(auditError as NodeJS.ErrnoException).code ?? auditError.message}; no request was sent after the failure`,
      );
      return code === ExitCode.ok ? ExitCode.failed : code;
    } finally {
      await audit?.close().catch(() => undefined);
    }
  } finally {
    await prepared.close();
  }
}
