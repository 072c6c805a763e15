import { checkCallback, type Expected } from "./check.js";
import { readLines } from "./lines.js";
import type { AppendOutcome, EventSink, IncomingEvent } from "./types.js";

// A 64 KiB body, JSON-escaped at worst six bytes per byte, plus its headers.
const MAX_LINE_BYTES = 512 * 1024;
const BATCH = 500;
/** A line from a live pipe is stored within this long of its arrival (the contract says one second). */
const MAX_WAIT_MS = 200;

export interface IngestOptions {
  input: AsyncIterable<Buffer | string>;
  expected: Expected;
  sink: EventSink;
  signal: AbortSignal;
  onEvent: (event: IncomingEvent, outcome: AppendOutcome) => void;
  onBadLine: (line: number, reason: string) => void;
}

export interface IngestReport {
  stored: number;
  duplicates: number;
  bad: number;
  interrupted: boolean;
}

function header(headers: Record<string, unknown>, name: string): string | undefined {
  const found = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = found === undefined ? undefined : headers[found];
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
}

/** Why a tee'd line cannot be applied, or the event it carries. Same checks, same order, as `events serve`. */
function parseLine(text: string, expected: Expected): { event: IncomingEvent } | { reason: string } {
  let line: unknown;
  try {
    line = JSON.parse(text);
  } catch {
    return { reason: "not JSON" };
  }
  const { headers, body } = (line ?? {}) as { headers?: unknown; body?: unknown };
  if (typeof headers !== "object" || headers === null || typeof body !== "string")
    return { reason: 'expected {"headers": {"Sign", "SdkAppId"}, "body": "<raw body>"}' };
  const raw = Buffer.from(body, "utf8");
  const h = headers as Record<string, unknown>;
  const verdict = checkCallback(raw, header(h, "sign"), header(h, "sdkappid"), expected);
  if (!verdict.ok) return { reason: `${verdict.status}: ${verdict.reason}` };
  return { event: { sdkAppId: expected.sdkAppId, event: verdict.event, raw, source: "trtc" } };
}

/** Waits for the next line, or until `ms` have passed (then `undefined`, the line still to come). */
async function nextWithin<T>(next: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([next, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `events ingest`: verifies and stores tee'd callbacks in batches; bad lines are reported and skipped.
 * A batch is stored once full or once its first line has waited MAX_WAIT_MS, so a live pipe (the
 * app's tee) is applied as it comes while a file still goes in 500 lines a transaction.
 */
export async function ingest(options: IngestOptions): Promise<IngestReport> {
  const report: IngestReport = { stored: 0, duplicates: 0, bad: 0, interrupted: false };
  let batch: IncomingEvent[] = [];
  let firstAt = 0;
  const flush = async () => {
    const outcomes = await options.sink.append(batch);
    outcomes.forEach((outcome, i) => {
      report[outcome === "stored" ? "stored" : "duplicates"]++;
      options.onEvent(batch[i]!, outcome);
    });
    batch = [];
  };
  let n = 0;
  let failure: unknown;
  const lines = readLines(options.input, MAX_LINE_BYTES);
  try {
    for (let next = lines.next(); ; next = lines.next()) {
      let result = batch.length ? await nextWithin(next, firstAt + MAX_WAIT_MS - performance.now()) : await next;
      if (result === undefined) {
        await flush();
        result = await next;
      }
      if (result.done) break;
      const line = result.value;
      n++;
      if (options.signal.aborted) break;
      if ("tooLong" in line) {
        report.bad++;
        options.onBadLine(n, `over ${MAX_LINE_BYTES} bytes`);
        continue;
      }
      if (line.text.trim() === "") continue;
      const parsed = parseLine(line.text, options.expected);
      if ("reason" in parsed) {
        report.bad++;
        options.onBadLine(n, parsed.reason);
        continue;
      }
      if (batch.length === 0) firstAt = performance.now();
      if (batch.push(parsed.event) >= BATCH) await flush();
    }
  } catch (err) {
    // The command destroys the input on an interrupt; what was read so far is still stored, as it is before input that is refused.
    if (!options.signal.aborted) failure = err;
  }
  report.interrupted = options.signal.aborted;
  if (batch.length) await flush();
  if (failure) throw failure;
  return report;
}
