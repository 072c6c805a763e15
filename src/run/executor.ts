import PQueue from "p-queue";
import type { PlannedRequest, Result, ResultError } from "../plan/types.js";
import { isAuthCode, isRateLimited, isTransient, ROOM_NOT_EXIST, TrtcError } from "../trtc/errors.js";
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from "./backoff.js";
import { SlidingWindowLimiter, sleep } from "./rate-limiter.js";

export interface ExecuteOptions {
  concurrency: number;
  /** Requests, retries included, in any one-second window; 0 = unlimited. */
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

/** Keeps the client's windows a little longer than a second so network jitter cannot push 21 into the server's. */
const RATE_WINDOW_MS = 1030;

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
 * Sends every planned request under a concurrency bound and a sliding-window rate
 * limit, retrying exactly the transient failures. Each request yields one result.
 */
export async function execute(requests: AsyncIterable<PlannedRequest>, options: ExecuteOptions): Promise<void> {
  const { concurrency, maxAttempts, ignoreMissing, send, onResult, onRetry } = options;
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const limiter = new SlidingWindowLimiter(options.rate, RATE_WINDOW_MS);
  const halt = new AbortController();
  let haltedBy: ResultError | undefined;
  const stop = AbortSignal.any([options.signal, halt.signal]);

  const notStarted = (request: PlannedRequest): Result => {
    const result: Result = { ...baseResult(request), status: "not-started", requestId: null, attempts: 0 };
    if (haltedBy && !options.signal.aborted) result.error = { ...haltedBy, message: `not sent: the credentials were rejected earlier in this run (${haltedBy.message})`, requestId: null };
    return result;
  };

  async function runOne(request: PlannedRequest): Promise<Result> {
    const base = baseResult(request);
    let attempts = 0;
    let last: TrtcError | undefined;
    let mayHaveApplied = false;
    for (;;) {
      if (stop.aborted || !(await limiter.acquire(stop))) {
        // A request already sent may have taken effect, so it is failed rather than not-started.
        return last ? { ...base, status: "failed", requestId: last.requestId, attempts, error: errorOf(last) } : notStarted(request);
      }
      attempts++;
      try {
        const response = await send(request);
        return { ...base, status: "done", requestId: response.RequestId, attempts };
      } catch (caught) {
        const err = asTrtcError(caught);
        if (err.code === ROOM_NOT_EXIST && mayHaveApplied) {
          return { ...base, status: "done", requestId: err.requestId, attempts, note: errorOf(err) };
        }
        if (err.code === ROOM_NOT_EXIST && ignoreMissing) {
          return { ...base, status: "already-gone", requestId: err.requestId, attempts };
        }
        if (isAuthCode(err.code) && !haltedBy) {
          haltedBy = errorOf(err);
          halt.abort();
        }
        if (!isTransient(err) || attempts >= maxAttempts) {
          return { ...base, status: "failed", requestId: err.requestId, attempts, error: errorOf(err) };
        }
        if (!isRateLimited(err)) mayHaveApplied = true;
        last = err;
        const delay = backoffDelay(attempts, isRateLimited(err), policy);
        onRetry?.(request, attempts, err, delay);
        await sleep(delay, stop);
      }
    }
  }

  const queue = new PQueue({ concurrency });
  for await (const request of requests) {
    if (stop.aborted) {
      await onResult(notStarted(request));
      continue;
    }
    await queue.onSizeLessThan(concurrency);
    void queue.add(async () => onResult(await runOne(request)));
  }
  await queue.onIdle();
}
