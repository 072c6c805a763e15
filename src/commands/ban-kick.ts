import { describeCredentialSource, loadCredential } from "../config/credentials.js";
import type { Settings } from "../config/resolve.js";
import { ExitCode } from "../errors.js";
import { AuditLog } from "../output/audit.js";
import { printBreadcrumb, printRetry, printTrace, printWarning } from "../output/messages.js";
import { createProgress } from "../output/progress.js";
import { Reporter } from "../output/reporter.js";
import { type PlannedRequest, plannedResult } from "../plan/types.js";
import type { Context } from "./context.js";

async function* each(requests: PlannedRequest[]): AsyncIterable<PlannedRequest> {
  yield* requests;
}

/**
 * The kicks of `ban --all-rooms`, several rooms in one run: the same engine, audit, results and exit
 * codes as `kick` (a one-room ban goes through `kick`'s own operation). Already confirmed.
 */
export async function sendKicks(
  ctx: Context,
  settings: Settings,
  sdkAppId: number,
  requests: PlannedRequest[],
  opts: { dryRun: boolean; ignoreMissing: boolean },
): Promise<number> {
  const { io, term, run } = ctx;
  if (run.format === "pretty" && !run.quiet) {
    const credentials = opts.dryRun ? "not needed for --dry-run" : describeCredentialSource(settings);
    printBreadcrumb(term, { profile: settings.profile, sdkAppId, region: settings.region, endpoint: settings.endpoint.url, credentials });
  }
  // Nothing to send (a dry run, or no live room shows the users): the planned results, if any, and the summary.
  if (opts.dryRun || requests.length === 0) {
    const reporter = new Reporter(run.format, term, await createProgress(term, requests.length, false), run.quiet);
    for (const request of requests) await reporter.result(plannedResult(request));
    reporter.finish();
    return ExitCode.ok;
  }
  const auditFailed = new AbortController();
  const audit = settings.auditLog ? await AuditLog.open(settings.auditLog, settings.profile, () => auditFailed.abort()) : undefined;
  try {
    const credential = await loadCredential(settings, io.env, io.signal);
    const { sendAll, exitCodeFor } = await import("../run/send.js");
    const reporter = new Reporter(run.format, term, await createProgress(term, requests.length, !run.quiet), run.quiet);
    const debug = run.debug ? { trace: (event: Parameters<typeof printTrace>[1]) => printTrace(term, event), onRetry: printRetry.bind(null, term) } : {};
    const { timeoutMs, concurrency, rate, maxAttempts } = run;
    const report = await sendAll(
      each(requests),
      {
        endpoint: settings.endpoint,
        region: settings.region,
        credential,
        env: io.env,
        concurrency,
        rate,
        maxAttempts,
        timeoutMs,
        ignoreMissing: opts.ignoreMissing,
        signal: AbortSignal.any([io.signal, auditFailed.signal]),
        ...debug,
      },
      (result) => {
        audit?.record(result);
        return reporter.result(result);
      },
    );
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
}
