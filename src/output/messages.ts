import { DomainError } from "../errors.js";
import type { PlannedRequest } from "../plan/types.js";
import type { TraceEvent } from "../trtc/client.js";
import type { TrtcError } from "../trtc/errors.js";
import { escapeControls, safeJson } from "./escape.js";
import { renderError, roomLabel } from "./render.js";
import type { OutputFormat } from "./reporter.js";
import type { Terminal } from "./terminal.js";

export interface Breadcrumb {
  profile: string;
  sdkAppId?: number;
  region: string;
  endpoint: string;
  credentials: string;
}

export function printBreadcrumb(term: Terminal, b: Breadcrumb): void {
  const c = term.errColor;
  const parts = [`profile ${b.profile}`, `SdkAppId ${b.sdkAppId ?? "?"}`, b.region, b.endpoint, `credentials: ${b.credentials}`];
  term.err(`${c.dim(escapeControls(parts.join(" · ")))}\n`);
}

export function printWarning(term: Terminal, message: string): void {
  term.err(`${term.errColor.yellow("warning:")} ${escapeControls(message)}\n`);
}

export function printInfo(term: Terminal, message: string): void {
  term.err(`${message}\n`);
}

/** A usage, configuration or unexpected error, as JSON on stdout in json modes, else on stderr. */
export function printFailure(term: Terminal, err: unknown, format: OutputFormat): void {
  const code = err instanceof DomainError ? err.code : "InternalError";
  const message = err instanceof Error ? err.message : String(err);
  const hint = err instanceof DomainError ? err.hint : "this is a bug in trtc-admin; please report it with the command you ran (secrets removed)";
  if (format === "pretty") {
    term.err(renderError(message, hint, term.errColor));
    return;
  }
  const error: Record<string, string> = { code, message };
  if (hint) error.hint = hint;
  term.out(`${safeJson({ ok: false, error })}\n`);
}

export function printTrace(term: Terminal, event: TraceEvent): void {
  const c = term.errColor;
  if (event.phase === "request") {
    term.err(`${c.dim(escapeControls(`debug → ${event.action} ${JSON.stringify(event.headers)} ${event.body}`))}\n`);
  } else {
    term.err(`${c.dim(escapeControls(`debug ← ${event.action} HTTP ${event.status} in ${event.ms} ms ${event.body}`))}\n`);
  }
}

export function printRetry(term: Terminal, request: PlannedRequest, attempt: number, error: TrtcError, delayMs: number): void {
  term.err(
    term.errColor.dim(
      `debug retry ${request.action} room ${roomLabel(request.room)}: attempt ${attempt} failed with ${escapeControls(error.code)}; next in ${delayMs} ms\n`,
    ),
  );
}

export function printCheck(term: Terminal, ok: boolean, message: string, warning = false): void {
  const c = term.outColor;
  const mark = !ok ? c.red("✖") : warning ? c.yellow("!") : c.green("✔");
  term.out(`${mark} ${escapeControls(message)}\n`);
}

interface Check {
  ok: boolean;
  message: string;
  /** Passes (the exit code is unchanged) but is not green: something to look at. */
  warning?: boolean;
}

export function printChecks(term: Terminal, checks: Check[], format: OutputFormat): void {
  if (format !== "pretty") return term.out(`${safeJson({ ok: checks.every((c) => c.ok), checks })}\n`);
  for (const check of checks) printCheck(term, check.ok, check.message, check.warning);
}

/** A flat record: aligned "key value" lines, or JSON in the machine formats. */
export function printRecord(term: Terminal, record: Record<string, unknown>, format: OutputFormat): void {
  if (format !== "pretty") return term.out(`${safeJson(record, 2)}\n`);
  term.out(
    `${Object.entries(record)
      .map(([k, v]) => `${k.padEnd(15)} ${escapeControls(String(v ?? "-"))}`)
      .join("\n")}\n`,
  );
}

export function printLine(term: Terminal, text: string): void {
  term.out(`${text}\n`);
}
