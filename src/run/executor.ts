import PQueue from "p-queue";
import { baseResult, kindOf, type PlannedRequest, type Result, type ResultError } from "../plan/types.js";
import { isAuthCode, isRateLimited, isTransient, ROOM_NOT_EXIST, TrtcError, USER_NOT_EXIST } from "../trtc/errors.js";
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from "./backoff.js";
import { type Budgets, runBudgets } from "./budgets.js";
import { type Clock, REAL_CLOCK } from "./clock.js";
import { Gate } from "./gate.js";

export interface ExecuteOptions {
  /** Attempts in flight at once. */
  concurrency: number;
  /** Attempts of each action, retries included, in any one-second window as the server sees them; 0 = unlimited. */
  rate: number;
  /** Each action's rate budget, shared with whoever else sends for the SdkAppId; default: this run's own. */
  budgets?: Budgets;
  maxAttempts: number;
  ignoreMissing: boolean;
  /** Aborts on SIGINT/SIGTERM: nothing new is sent, in-flight requests finish. */
  signal: AbortSignal;
  send(request: PlannedRequest): Promise<{ RequestId: string }>;
  /** May return a promise to hold back further work, e.g. while stdout drains. */
  onResult(result: Result): void | Promise<void>;
  onRetry?(request: PlannedRequest, attempt: number, error: TrtcError, delayMs: number): void;
  backoff?: BackoffPolicy;
  /** What backoff pauses wait on and what they read the current second from; real by default. */
  clock?: Clock;
  /** Backoff jitter in [0, 1); Math.random by default. */
  random?: () => number;
  /**
   * At most this many requests read and not yet finished (waiting, in flight or backing off); default:
   * read far ahead. A stream that orders what it holds (ban enforcement takes turns by user) keeps its order only for what is not yet read.
   */
  maxOutstanding?: number;
}

/** Requests read ahead of those in flight, so ones backing off do not stall the rest. */
const OUTSTANDING_PER_SLOT = 4;
/** Requests read ahead of one action's lane: a run of numeric rooms then string rooms uses both budgets at once. */
const READ_AHEAD = 1000;

function errorOf(err: TrtcError): ResultError {
  return { code: err.code, message: err.message, requestId: err.requestId };
}

function asTrtcError(err: unknown): TrtcError {
  if (err instanceof TrtcError) return err;
  return new TrtcError("network", "ClientError", err instanceof Error ? err.message : String(err));
}

/**
 * Sends every planned request: attempts admitted by their action's rate budget (`rate` slots,
 * each held until a second after its attempt settled) and a Gate (`concurrency` in flight),
 * retrying exactly the transient failures with backoff outside both. Each action has its own
 * lane, so one action waiting for its budget never holds back another. Each request yields
 * exactly one result.
 */
export async function execute(requests: AsyncIterable<PlannedRequest>, options: ExecuteOptions): Promise<void> {
  const { concurrency, maxAttempts, ignoreMissing, send, onResult, onRetry } = options;
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const clock = options.clock ?? REAL_CLOCK;
  const gate = new Gate(concurrency, clock);
  const budgets = options.budgets ?? runBudgets();
  const stop = new AbortController();
  const lanes = new Map<string, PQueue>();
  const laneOf = (action: string) => lanes.get(action) ?? lanes.set(action, new PQueue({ concurrency: concurrency * OUTSTANDING_PER_SLOT })).get(action)!;
  let haltedBy: ResultError | undefined;
  const stopped = () => options.signal.aborted || haltedBy !== undefined;
  const halt = () => {
    gate.close();
    stop.abort();
  };
  if (options.signal.aborted) halt();
  options.signal.addEventListener("abort", halt, { once: true });

  const notStarted = (request: PlannedRequest): Result => {
    const result: Result = { ...baseResult(request), status: "not-started", requestId: null, attempts: 0 };
    if (haltedBy && !options.signal.aborted)
      result.error = { ...haltedBy, message: `not sent: the credentials were rejected earlier in this run (${haltedBy.message})`, requestId: null };
    return result;
  };

  const haltOnAuthFailure = (caught: unknown) => {
    // Runs before this attempt leaves the gate, so nothing more is sent with rejected credentials.
    if (caught instanceof TrtcError && isAuthCode(caught.code) && !haltedBy) {
      haltedBy = errorOf(caught);
      halt();
    }
    throw caught;
  };

  /**
   * One attempt through the gate; undefined when stopped before it was sent. A stop
   * reaches only attempts still waiting: one on the wire may yet take effect.
   */
  async function attempt(request: PlannedRequest, onSend: () => void): Promise<{ RequestId: string } | undefined> {
    const release = options.rate > 0 ? await budgets.of(request.sdkAppId, request.action).take(options.rate, stop.signal) : () => undefined;
    if (!release) return undefined;
    let sent = false;
    try {
      if (!(await gate.enter())) return undefined;
      try {
        if (stopped()) return undefined;
        onSend();
        sent = true;
        return await send(request).catch(haltOnAuthFailure);
      } finally {
        gate.leave();
      }
    } finally {
      release(sent);
    }
  }

  async function runOne(request: PlannedRequest): Promise<Result> {
    const base = baseResult(request);
    let attempts = 0;
    let last: TrtcError | undefined;
    let mayHaveApplied = false;
    for (;;) {
      try {
        const response = await attempt(request, () => attempts++);
        if (response) return { ...base, status: "done", requestId: response.RequestId, attempts };
        // Stopped before sending. A request already sent may have taken effect, so it is failed rather than not-started.
        return last ? { ...base, status: "failed", requestId: last.requestId, attempts, error: errorOf(last) } : notStarted(request);
      } catch (caught) {
        const err = asTrtcError(caught);
        // A room gone after a kick or dismissal that may have applied is that request's doing; a mute leaves the room as it was.
        if (err.code === ROOM_NOT_EXIST && mayHaveApplied && kindOf(request.action) !== "mute")
          return { ...base, status: "done", requestId: err.requestId, attempts, note: errorOf(err) };
        if ((err.code === ROOM_NOT_EXIST || USER_NOT_EXIST.has(err.code)) && ignoreMissing)
          return { ...base, status: "already-gone", requestId: err.requestId, attempts };
        if (!isTransient(err) || attempts >= maxAttempts || stopped()) {
          return { ...base, status: "failed", requestId: err.requestId, attempts, error: errorOf(err) };
        }
        // A rate-limit rejection or a refused connection cannot have taken effect; anything else might have.
        if (!isRateLimited(err) && !err.notSent) mayHaveApplied = true;
        last = err;
        const delay = backoffDelay(attempts, isRateLimited(err), policy, clock.now(), options.random);
        onRetry?.(request, attempts, err, delay);
        await gate.pause(delay);
      }
    }
  }

  // The caller's onResult throwing stops new requests; the call rejects with it once in-flight ones finish.
  let callerError: { error: unknown } | undefined;
  const report = async (result: Result) => {
    if (callerError) return;
    try {
      await onResult(result);
    } catch (error) {
      callerError = { error };
      halt();
    }
  };
  const waiting = () => [...lanes.values()].reduce((n, lane) => n + lane.size, 0);
  const maxOutstanding = options.maxOutstanding ?? Number.POSITIVE_INFINITY;
  let outstanding = 0;
  let finished: (() => void) | undefined;
  try {
    for await (const request of requests) {
      if (callerError) break;
      if (stopped()) {
        await report(notStarted(request));
        continue;
      }
      while (waiting() >= READ_AHEAD) await Promise.race([...lanes.values()].filter((l) => l.size > 0).map((l) => l.onSizeLessThan(l.size)));
      while (outstanding >= maxOutstanding) await new Promise<void>((resolve) => (finished = resolve));
      outstanding++;
      void laneOf(request.action).add(async () => {
        try {
          await report(await runOne(request));
        } finally {
          outstanding--;
          finished?.();
        }
      });
    }
    await Promise.all([...lanes.values()].map((lane) => lane.onIdle()));
  } finally {
    options.signal.removeEventListener("abort", halt);
    halt();
  }
  if (callerError) throw callerError.error;
}
