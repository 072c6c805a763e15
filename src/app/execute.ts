import { describeCredentialSource } from "../config/credentials.js";
import type { Settings } from "../config/resolve.js";
import { ConfigError } from "../errors.js";
import { type PlannedRequest, plannedResult, type Result, type Summary } from "../plan/types.js";
import type { Budgets } from "../run/budgets.js";
import type { SendSettings } from "../run/send.js";
import type { SlotLedger } from "../run/shared-budget.js";
import { type EffectLog, Verifier } from "../run/verify.js";
import type { TrtcCredential } from "../trtc/client.js";
import { proxyProblem } from "../trtc/proxy.js";
import { AuditLog } from "./audit.js";
import type { Debug, ResultSink, RunFacts } from "./ports.js";
import type { Destination } from "./send.js";
import { type Session, throwIfInterrupted } from "./session.js";

/** How a run sends: the options' pace, timeouts in milliseconds. */
export type RunPace = Session["run"];

/** Where a run of the CLI sends: the config's endpoint and region, the credential, the process's budgets or shared ones. */
export function destinationOf(session: Session, settings: Settings, credential: TrtcCredential, budgets?: Budgets): Destination {
  return { endpoint: settings.endpoint, region: settings.region, credential, env: session.io.env, ...(budgets && { budgets }) };
}

/** The engine's settings: where to send, how fast, and what stops it. */
export function sendSettings(to: Destination, pace: RunPace, ignoreMissing: boolean, signal: AbortSignal, debug: Debug = {}): SendSettings {
  const { concurrency, rate, maxAttempts, timeoutMs } = pace;
  return { ...to, concurrency, rate, maxAttempts, timeoutMs, ignoreMissing, signal, ...debug };
}

/**
 * The rate budgets shared through an explicitly set inventory, when there is one. A store that
 * cannot be opened costs only the sharing: the run paces itself alone, with a warning.
 */
export async function sharedBudgetsOf(
  ledger: (() => Promise<SlotLedger | undefined>) | undefined,
  timeoutMs: number,
  warn: (message: string) => void,
): Promise<Budgets | undefined> {
  const store = await ledger?.().catch((err: Error) => {
    warn(`rate budget not shared with other processes (${err.message}): pacing this run alone`);
    return undefined;
  });
  if (!store) return undefined;
  const { sharedBudgets } = await import("../run/budgets.js");
  return sharedBudgets(store, timeoutMs);
}

/** TRTC's clock and ours may differ by this much: an effect reported up to this long before the run counts. */
const CLOCK_SLACK_MS = 2000;

/** --wait's verifier over the inventory; exit 3 when there is none to read effects from. */
export async function verifierFor(
  session: Session,
  effects: () => Promise<EffectLog | undefined>,
  waitMs: number | undefined,
  warn: (message: string) => void,
): Promise<Verifier | undefined> {
  if (waitMs === undefined) return undefined;
  const log = await effects();
  if (!log)
    throw new ConfigError(
      "--wait needs the room inventory, and there is none yet",
      "run `trtc-admin events serve` for this app (or set --inventory / TRTC_INVENTORY to the one it writes)",
    );
  let warned = false;
  const onError = (err: unknown) => {
    if (!warned) warn(`--wait: the inventory could not be read (${(err as Error).message}); retrying until the wait ends`);
    warned = true;
  };
  return new Verifier({ log, sinceMs: Date.now() - CLOCK_SLACK_MS, waitMs, signal: session.io.signal, onError });
}

/** A proxy setting that cannot be used is a configuration error before anything is sent. */
export function requireUsableProxy(env: NodeJS.ProcessEnv): void {
  const proxy = proxyProblem(env);
  if (proxy) throw new ConfigError(`HTTPS_PROXY: ${proxy}`, "set HTTPS_PROXY to a URL such as http://proxy.example:3128, or unset it");
}

/** What a prepared run talks to. */
export function runFacts(settings: Settings, sdkAppId: number, dryRun: boolean): RunFacts {
  const credentials = dryRun ? "not needed for --dry-run" : describeCredentialSource(settings);
  return { profile: settings.profile, sdkAppId, region: settings.region, endpoint: settings.endpoint.url, credentials };
}

/** How a run ended: the edge makes the exit code of it (src/exit-codes.ts). */
export interface RunOutcome {
  summary: Summary;
  /** TRTC rejected the credentials. */
  authFailed: boolean;
  interrupted: boolean;
  /** The audit log could not be written: nothing was sent after the failure. */
  auditFailed?: boolean;
}

/** A run that sent nothing, or nothing that could fail: a dry run, nothing to send. */
export const sentNothing = (summary: Summary): RunOutcome => ({ summary, authFailed: false, interrupted: false });

/** A dry run: every request as a planned result, then the summary. */
export async function reportPlanned(
  signal: AbortSignal,
  requests: AsyncIterable<PlannedRequest> | Iterable<PlannedRequest>,
  sink: ResultSink,
): Promise<RunOutcome> {
  for await (const request of requests) {
    throwIfInterrupted(signal);
    await sink.result(plannedResult(request));
  }
  return sentNothing(sink.finish());
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
  to: Destination;
  pace: RunPace;
  ignoreMissing: boolean;
  /** Stops new requests; those in flight finish and are reported. */
  signal: AbortSignal;
  audit?: Audit;
  /** Where the audit log is, for the warning when it could not be written. */
  auditPath?: string;
  /** Sees each result as it finishes, before the sink. */
  onResult?: (result: Result) => void;
  /** Runs once everything is sent, before the summary. */
  afterSend?: () => Promise<void>;
  /** --wait: each done kick or dismissal is reported once its effect is seen in the inventory, or its time is up. */
  verifier?: Verifier;
  debug?: Debug;
}

/**
 * Sends, audits and reports every result and the summary; returns how the run ended. Every action of
 * the CLI and the library sends through it. A sink that throws stops new requests, and the call
 * rejects with its error once those in flight finish.
 */
export async function sendReported(
  requests: AsyncIterable<PlannedRequest>,
  options: SendOptions,
  sink: ResultSink,
  warn: (message: string) => void,
): Promise<RunOutcome> {
  const { verifier } = options;
  const log = options.audit?.log;
  const { sendAll } = await import("../run/send.js");
  const signal = options.audit ? AbortSignal.any([options.signal, options.audit.failed]) : options.signal;
  const deliver = (result: Result) => {
    log?.record(result);
    return sink.result(result);
  };
  const { authFailed } = await sendAll(requests, sendSettings(options.to, options.pace, options.ignoreMissing, signal, options.debug), (result) => {
    options.onResult?.(result);
    // A result waiting for its effect holds back nothing else.
    if (verifier && Verifier.applies(result)) return void verifier.verify(result).then(deliver);
    return deliver(result);
  });
  await verifier?.drain();
  await options.afterSend?.();
  const outcome: RunOutcome = { summary: sink.finish(), authFailed, interrupted: options.signal.aborted };
  const auditError = await log?.close().then(
    () => undefined,
    (err: Error) => err,
  );
  if (!auditError) return outcome;
  const why = (auditError as NodeJS.ErrnoException).code ?? auditError.message;
  warn(`could not write the audit log ${options.auditPath}: ${why}; no request was sent after the failure`);
  return { ...outcome, auditFailed: true };
}
