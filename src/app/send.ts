import { UsageError } from "../errors.js";
import { countResult, emptySummary, type PlannedRequest, type Result, type Summary } from "../plan/types.js";
import type { Budgets } from "../run/budgets.js";
import { DEFAULTS, describeRange, inRange, LIMITS, type Range } from "../run/limits.js";
import type { TrtcCredential } from "../trtc/client.js";
import type { Endpoint } from "../trtc/endpoint.js";
import { type RunOutcome, sendReported } from "./execute.js";

/** How fast and how hard a program's run sends; unset ones are the CLI's defaults. */
export interface Pace {
  concurrency?: number;
  /** Per action, retries included, in any second as the server sees them; 0 = no client-side limit. */
  rate?: number;
  maxAttempts?: number;
  timeoutSeconds?: number;
}

/** A library call's outcome, as the edge (src/exit-codes.ts) reports it. */
export interface Report {
  ok: boolean;
  /** The CLI's exit code for the same run: 0, 1, 4 or 130. */
  exitCode: number;
  summary: Summary;
  results: Result[];
}

/** How a run ended, with its Results. */
export interface Sent extends RunOutcome {
  results: Result[];
}

export interface Destination {
  endpoint: Endpoint;
  region: string;
  credential: TrtcCredential;
  env: NodeJS.ProcessEnv;
  budgets?: Budgets;
}

export interface RunOptions extends Pace {
  ignoreMissing?: boolean;
  signal?: AbortSignal;
  onResult?: (result: Result) => void | Promise<void>;
}

export function checkLimit(name: keyof typeof LIMITS, value: unknown): number {
  const range: Range = LIMITS[name];
  const chosen = value ?? DEFAULTS[name];
  if (typeof chosen !== "number" || !inRange(chosen, range)) throw new UsageError(`invalid ${name} ${String(chosen)}: expected ${describeRange(range)}`);
  return chosen;
}

/** Checks the pace before anything is planned or sent. */
export function checkPace(pace: Pace): Required<Pace> {
  return {
    concurrency: checkLimit("concurrency", pace.concurrency),
    rate: checkLimit("rate", pace.rate),
    maxAttempts: checkLimit("maxAttempts", pace.maxAttempts),
    timeoutSeconds: checkLimit("timeoutSeconds", pace.timeoutSeconds),
  };
}

/** Sends planned requests as the CLI sends them (app/execute.ts). */
export async function sendPlanned(
  planned: PlannedRequest[],
  to: Destination,
  options: RunOptions,
  track: (requests: AsyncIterable<PlannedRequest>) => AsyncIterable<PlannedRequest> = (requests) => requests,
  observe?: (result: Result) => void,
): Promise<Sent> {
  const pace = checkPace(options);
  if (options.onResult !== undefined && typeof options.onResult !== "function") throw new UsageError("invalid onResult: expected a function");
  const summary = emptySummary();
  const results: Result[] = [];
  const sink = {
    result(result: Result) {
      countResult(summary, result);
      results.push(result);
      return options.onResult?.(result);
    },
    finish: () => summary,
  };
  async function* requests() {
    yield* planned;
  }
  const { concurrency, rate, maxAttempts, timeoutSeconds } = pace;
  const outcome = await sendReported(
    track(requests()),
    {
      to,
      pace: { concurrency, rate, maxAttempts, timeoutMs: Math.round(timeoutSeconds * 1000) },
      ignoreMissing: options.ignoreMissing ?? false,
      signal: options.signal ?? new AbortController().signal,
      ...(observe && { onResult: observe }),
    },
    sink,
    () => undefined,
  );
  return { ...outcome, results };
}
