import PQueue from "p-queue";
import type { PlannedRequest, Result, ResultError } from "../plan/types.js";
import { isAuthCode, isRateLimited, isTransient, ROOM_NOT_EXIST, TrtcError } from "../trtc/errors.js";
import { backoffDelay, DEFAULT_BACKOFF, sleep, type BackoffPolicy } from "./backoff.js";

export interface ExecuteOptions {
  /** Attempts in flight at once. */
  concurrency: number;
  /** Attempts, retries included, in any one-second window; 0 = unlimited. */
  rate: number;
  maxAttempts: number;
  ignoreMissing: boolean;
  /** Aborts on SIGINT/SIGTERM: nothing new is sent, in-flight requests finish. */
  signal: AbortSignal;
  send(request: PlannedRequest): Promise<{ RequestId: string }>;
  /** May return a promise to hold back further work, e.g. while stdout drains. */
  onResult(result: Result): void | Promise<void>;
  onRetry?(request: PlannedRequest, attempt: number, error: TrtcError, delayMs: number): void;
  backoff?: BackoffPolicy;
}

/** A little over a second, so network jitter cannot put rate+1 requests into one of the server's seconds. */
export const RATE_WINDOW_MS = 1030;
/** Requests read ahead of those in flight, so ones backing off do not stall the rest. */
const OUTSTANDING_PER_SLOT = 4;

function baseResult(request: PlannedRequest): Omit<Result, "status" | "requestId" | "attempts"> {
  const result: Omit<Result, "status" | "requestId" | "attempts"> = {
    action: request.action,
    sdkAppId: request.sdkAppId,
    roomId: request.room.id,
    roomIdType: request.room.type,
  };
  if (request.userIds) result.userIds = request.userIds;
  return result;
}

export function plannedResult(request: PlannedRequest): Result {
  return { ...baseResult(request), status: "planned", requestId: null, attempts: 0 };
}

function errorOf(err: TrtcError): ResultError {
  return { code: err.code, message: err.message, requestId: err.requestId };
}

function asTrtcError(err: unknown): TrtcError {
  if (err instanceof TrtcError) return err;
  return new TrtcError("network", "ClientError", err instanceof Error ? err.message : String(err));
}

/**
 * Sends every planned request: `concurrency` attempts in flight, at most `rate` attempts
 * in any sliding window (p-queue's strict mode), retrying exactly the transient failures
 * with backoff outside the in-flight slots. Each request yields exactly one result.
 */
export async function execute(requests: AsyncIterable<PlannedRequest>, options: ExecuteOptions): Promise<void> {
  const { concurrency, maxAttempts, ignoreMissing, send, onResult, onRetry } = options;
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const attemptsQueue = new PQueue({ concurrency, ...(options.rate > 0 ? { intervalCap: options.rate, interval: RATE_WINDOW_MS, strict: true } : {}) });
  const requestsQueue = new PQueue({ concurrency: concurrency * OUTSTANDING_PER_SLOT });
  const halt = new AbortController();
  let haltedBy: ResultError | undefined;
  const stop = AbortSignal.any([options.signal, halt.signal]);

  const notStarted = (request: PlannedRequest): Result => {
    const result: Result = { ...baseResult(request), status: "not-started", requestId: null, attempts: 0 };
    if (haltedBy && !options.signal.aborted) result.error = { ...haltedBy, message: `not sent: the credentials were rejected earlier in this run (${haltedBy.message})`, requestId: null };
    return result;
  };

  const haltOnAuthFailure = (caught: unknown) => {
    // Runs before the queue starts its next attempt, so nothing more is sent with rejected credentials.
    if (caught instanceof TrtcError && isAuthCode(caught.code) && !haltedBy) {
      haltedBy = errorOf(caught);
      halt.abort();
    }
    throw caught;
  };

  /**
   * One attempt through the in-flight queue; undefined when stopped before it was sent.
   * The abort reaches p-queue only while the attempt waits: p-queue would otherwise
   * also reject an attempt already on the wire, which may still take effect.
   */
  async function attempt(request: PlannedRequest, onSend: () => void): Promise<{ RequestId: string } | undefined> {
    if (stop.aborted) return undefined;
    const waiting = new AbortController();
    let started = false;
    const onStop = () => started || waiting.abort();
    stop.addEventListener("abort", onStop, { once: true });
    try {
      return await attemptsQueue.add(
        async () => {
          started = true;
          if (stop.aborted) return undefined;
          onSend();
          return send(request).catch(haltOnAuthFailure);
        },
        { signal: waiting.signal },
      );
    } catch (caught) {
      if (!started) return undefined;
      throw caught;
    } finally {
      stop.removeEventListener("abort", onStop);
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
        if (err.code === ROOM_NOT_EXIST && mayHaveApplied) return { ...base, status: "done", requestId: err.requestId, attempts, note: errorOf(err) };
        if (err.code === ROOM_NOT_EXIST && ignoreMissing) return { ...base, status: "already-gone", requestId: err.requestId, attempts };
        if (!isTransient(err) || attempts >= maxAttempts || stop.aborted) {
          return { ...base, status: "failed", requestId: err.requestId, attempts, error: errorOf(err) };
        }
        // A rate-limit rejection or a refused connection cannot have taken effect; anything else might have.
        if (!isRateLimited(err) && !err.notSent) mayHaveApplied = true;
        last = err;
        const delay = backoffDelay(attempts, isRateLimited(err), policy);
        onRetry?.(request, attempts, err, delay);
        await sleep(delay, stop);
      }
    }
  }

  for await (const request of requests) {
    if (stop.aborted) {
      await onResult(notStarted(request));
      continue;
    }
    await requestsQueue.onSizeLessThan(concurrency);
    void requestsQueue.add(async () => onResult(await runOne(request)));
  }
  await requestsQueue.onIdle();
}
