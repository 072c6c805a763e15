import { UsageError } from "../errors.js";
import { countResult, emptySummary, type PlannedRequest, type Result, type Summary } from "../plan/types.js";
import type { Budgets } from "../run/budgets.js";
import { DEFAULTS, describeRange, inRange, LIMITS, type Range } from "../run/limits.js";
import { sendAll } from "../run/send.js";
import type { TrtcCredential } from "../trtc/client.js";
import type { Endpoint } from "../trtc/endpoint.js";

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

/** How a run ended: its Results, and what its exit code is made of. */
export interface Sent {
  summary: Summary;
  results: Result[];
  authFailed: boolean;
  interrupted: boolean;
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

/** Sends planned requests with the CLI's engine. */
export async function sendPlanned(
  planned: PlannedRequest[],
  to: Destination,
  options: RunOptions,
  track: (requests: AsyncIterable<PlannedRequest>) => AsyncIterable<PlannedRequest> = (requests) => requests,
): Promise<Sent> {
  const pace = checkPace(options);
  if (options.onResult !== undefined && typeof options.onResult !== "function") throw new UsageError("invalid onResult: expected a function");
  const summary = emptySummary();
  const results: Result[] = [];
  const signal = options.signal ?? new AbortController().signal;
  async function* requests() {
    yield* planned;
  }
  const { authFailed } = await sendAll(
    track(requests()),
    {
      ...to,
      concurrency: pace.concurrency,
      rate: pace.rate,
      maxAttempts: pace.maxAttempts,
      timeoutMs: Math.round(pace.timeoutSeconds * 1000),
      ignoreMissing: options.ignoreMissing ?? false,
      signal,
    },
    (result) => {
      countResult(summary, result);
      results.push(result);
      return options.onResult?.(result);
    },
  );
  return { summary, results, authFailed, interrupted: signal.aborted };
}
