/**
 * The one place that turns how things ended into exit codes: a thrown error, a run's outcome.
 * Only the edges use it: the CLI's commands and main, and the library's entry, whose Reports and
 * errors carry the exit code the CLI would have for the same call.
 */
import type { DoctorVerdict } from "./app/doctor.js";
import type { RunOutcome } from "./app/execute.js";
import type { Report, Sent } from "./app/send.js";
import { ConfigError, DomainError, InterruptedError, UsageError } from "./errors.js";
import type { IngestReport } from "./events/ingest.js";

/** Exit codes from the contract. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  config: 3,
  auth: 4,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** What an error ends the process with: usage 2, config 3, interrupted 130, anything else 1. */
export function exitCodeOf(err: unknown): ExitCode {
  if (err instanceof UsageError) return ExitCode.usage;
  if (err instanceof ConfigError) return ExitCode.config;
  if (err instanceof InterruptedError) return ExitCode.interrupted;
  return ExitCode.failed;
}

/** The contract's order when several apply: 130, 4, 1, 0. An unwritable audit log fails the run. */
export function runExitCode({ summary, authFailed, interrupted, auditFailed }: RunOutcome): ExitCode {
  if (interrupted) return ExitCode.interrupted;
  if (authFailed) return ExitCode.auth;
  if (summary.failed > 0 || summary.notStarted > 0 || (summary.unverified ?? 0) > 0 || auditFailed) return ExitCode.failed;
  return ExitCode.ok;
}

/** `events ingest`: interrupted 130, a bad line 1 (the good ones are stored all the same). */
export function ingestExitCode({ interrupted, bad }: Pick<IngestReport, "interrupted" | "bad">): ExitCode {
  if (interrupted) return ExitCode.interrupted;
  return bad > 0 ? ExitCode.failed : ExitCode.ok;
}

const DOCTOR: Record<DoctorVerdict, ExitCode> = { ok: ExitCode.ok, failed: ExitCode.failed, auth: ExitCode.auth, config: ExitCode.config };

/** `doctor`: a check failed 1, credentials rejected 4, no credentials or SdkAppId 3. */
export function doctorExitCode(verdict: DoctorVerdict): ExitCode {
  return DOCTOR[verdict];
}

/** A library call's report: its Results, with the exit code the CLI would have for the same run. */
export function reportOf(sent: Sent): Report {
  const exitCode = runExitCode(sent);
  return { ok: exitCode === ExitCode.ok, exitCode, summary: sent.summary, results: sent.results };
}

declare module "./errors.js" {
  interface DomainError {
    /** The exit code the CLI gives this error: 2 usage, 3 config, 130 interrupted, else 1. */
    readonly exitCode: ExitCode;
  }
}
// The library documents err.exitCode (README "Library"); the errors themselves stay code-free.
Object.defineProperty(DomainError.prototype, "exitCode", {
  get(this: DomainError) {
    return exitCodeOf(this);
  },
  configurable: true,
});
