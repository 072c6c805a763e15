import { describeCredentialSource } from "../config/credentials.js";
import type { Settings } from "../config/resolve.js";
import { ConfigError } from "../errors.js";
import { ExitCode, runExitCode } from "../exit-codes.js";
import { AuditLog } from "../output/audit.js";
import { printBreadcrumb, printRetry, printTrace, printWarning } from "../output/messages.js";
import { createProgress } from "../output/progress.js";
import { Reporter } from "../output/reporter.js";
import { type PlannedRequest, plannedResult, type Result } from "../plan/types.js";
import type { Budgets } from "../run/budgets.js";
import type { SendSettings } from "../run/send.js";
import type { SlotLedger } from "../run/shared-budget.js";
import { type EffectLog, Verifier } from "../run/verify.js";
import type { TrtcCredential } from "../trtc/client.js";
import { proxyProblem } from "../trtc/proxy.js";
import type { Context } from "./context.js";
import { throwIfInterrupted } from "./prepare.js";

/** The engine's settings for a command: where to send from the config, how fast from the options. */
export function sendSettings(
  ctx: Context,
  settings: Settings,
  credential: TrtcCredential,
  ignoreMissing: boolean,
  signal: AbortSignal,
  budgets?: Budgets,
): SendSettings {
  const { io, term, run } = ctx;
  const debug = run.debug ? { trace: (event: Parameters<typeof printTrace>[1]) => printTrace(term, event), onRetry: printRetry.bind(null, term) } : {};
  const { concurrency, rate, maxAttempts, timeoutMs } = run;
  return {
    endpoint: settings.endpoint,
    region: settings.region,
    credential,
    env: io.env,
    concurrency,
    rate,
    maxAttempts,
    timeoutMs,
    ignoreMissing,
    signal,
    ...(budgets && { budgets }),
    ...debug,
  };
}

/**
 * The rate budgets shared through an explicitly set inventory, when there is one. A store that
 * cannot be opened costs only the sharing: the run paces itself alone, with a warning.
 */
export async function sharedBudgetsOf(ctx: Context, ledger: (() => Promise<SlotLedger | undefined>) | undefined): Promise<Budgets | undefined> {
  const store = await ledger?.().catch((err: Error) => {
    printWarning(ctx.term, `rate budget not shared with other processes (${err.message}): pacing this run alone`);
    return undefined;
  });
  if (!store) return undefined;
  const { sharedBudgets } = await import("../run/budgets.js");
  return sharedBudgets(store, ctx.run.timeoutMs);
}

/** TRTC's clock and ours may differ by this much: an effect reported up to this long before the run counts. */
const CLOCK_SLACK_MS = 2000;

/** --wait's verifier over the inventory; exit 3 when there is none to read effects from. */
export async function verifierFor(ctx: Context, effects: () => Promise<EffectLog | undefined>, waitMs: number | undefined): Promise<Verifier | undefined> {
  if (waitMs === undefined) return undefined;
  const log = await effects();
  if (!log)
    throw new ConfigError(
      "--wait needs the room inventory, and there is none yet",
      "run `trtc-admin events serve` for this app (or set --inventory / TRTC_INVENTORY to the one it writes)",
    );
  let warned = false;
  const onError = (err: unknown) => {
    if (!warned) printWarning(ctx.term, `--wait: the inventory could not be read (${(err as Error).message}); retrying until the wait ends`);
    warned = true;
  };
  return new Verifier({ log, sinceMs: Date.now() - CLOCK_SLACK_MS, waitMs, signal: ctx.io.signal, onError });
}

/** A proxy setting that cannot be used is a configuration error before anything is sent. */
export function requireUsableProxy(env: NodeJS.ProcessEnv): void {
  const proxy = proxyProblem(env);
  if (proxy) throw new ConfigError(`HTTPS_PROXY: ${proxy}`, "set HTTPS_PROXY to a URL such as http://proxy.example:3128, or unset it");
}

/** The one-line breadcrumb of what a run talks to, in pretty mode. */
export function printRunBreadcrumb(ctx: Context, settings: Settings, sdkAppId: number, dryRun: boolean): void {
  if (ctx.run.format !== "pretty" || ctx.run.quiet) return;
  const credentials = dryRun ? "not needed for --dry-run" : describeCredentialSource(settings);
  printBreadcrumb(ctx.term, { profile: settings.profile, sdkAppId, region: settings.region, endpoint: settings.endpoint.url, credentials });
}

/** A dry run: every request as a planned result, then the summary. */
export async function reportPlanned(ctx: Context, total: number, requests: AsyncIterable<PlannedRequest> | Iterable<PlannedRequest>): Promise<number> {
  const { run, term, io } = ctx;
  const reporter = new Reporter(run.format, term, await createProgress(term, total, false), run.quiet);
  for await (const request of requests) {
    throwIfInterrupted(io.signal);
    await reporter.result(plannedResult(request));
  }
  reporter.finish();
  return ExitCode.ok;
}

export interface Audit {
  log: AuditLog | undefined;
  /** Aborts when a write fails: no new request is sent after it. */
  failed: AbortSignal;
}

/** Opened before anything is sent, failing closed: a run that cannot be audited does not start. */
export async function openAudit(settings: Settings): Promise<Audit> {
  const failed = new AbortController();
  const log = settings.auditLog ? await AuditLog.open(settings.auditLog, settings.profile, () => failed.abort()) : undefined;
  return { log, failed: failed.signal };
}

export interface SendOptions {
  ignoreMissing: boolean;
  audit: Audit;
  /** Sees each result as it finishes. */
  onResult?: (result: Result) => void;
  /** Runs once everything is sent, before the summary. */
  afterSend?: () => Promise<void>;
  budgets?: Budgets;
  /** --wait: each done kick or dismissal is reported once its effect is seen in the inventory, or its time is up. */
  verifier?: Verifier;
}

/** Sends, audits and prints every result and the summary; returns the exit code. kick, dismiss, mute and ban share it. */
export async function sendReported(
  ctx: Context,
  settings: Settings,
  credential: TrtcCredential,
  requests: AsyncIterable<PlannedRequest>,
  total: number,
  options: SendOptions,
): Promise<number> {
  const { io, term, run } = ctx;
  const { log } = options.audit;
  const { sendAll } = await import("../run/send.js");
  const { verifier } = options;
  const reporter = new Reporter(run.format, term, await createProgress(term, total, !run.quiet), run.quiet, verifier !== undefined);
  const signal = AbortSignal.any([io.signal, options.audit.failed]);
  const deliver = (result: Result) => {
    log?.record(result);
    return reporter.result(result);
  };
  const { authFailed } = await sendAll(requests, sendSettings(ctx, settings, credential, options.ignoreMissing, signal, options.budgets), (result) => {
    options.onResult?.(result);
    // A result waiting for its effect holds back nothing else.
    if (verifier && Verifier.applies(result)) return void verifier.verify(result).then(deliver);
    return deliver(result);
  });
  await verifier?.drain();
  await options.afterSend?.();
  const code = runExitCode({ summary: reporter.finish(), authFailed, interrupted: io.signal.aborted });
  const auditError = await log?.close().then(
    () => undefined,
    (err: Error) => err,
  );
  if (!auditError) return code;
  const why = (auditError as NodeJS.ErrnoException).code ?? auditError.message;
  printWarning(term, `could not write the audit log ${settings.auditLog}: ${why}; no request was sent after the failure`);
  return code === ExitCode.ok ? ExitCode.failed : code;
}
