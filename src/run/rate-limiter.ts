/** Resolves after `ms`, or at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * At most `limit` permits in any sliding window of `windowMs`, granted in arrival order.
 * A fixed per-second counter would let 2x the limit through across a second boundary.
 */
export class SlidingWindowLimiter {
  private readonly stamps: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Waits for a permit; returns false if the signal aborted first. */
  acquire(signal?: AbortSignal): Promise<boolean> {
    if (this.limit <= 0) return Promise.resolve(!signal?.aborted);
    const turn = this.queue.then(async () => {
      while (!signal?.aborted) {
        if (this.stamps.length < this.limit) break;
        const wait = this.stamps[0]! + this.windowMs - this.now();
        if (wait <= 0) {
          this.stamps.shift();
          break;
        }
        await sleep(wait, signal);
      }
      if (signal?.aborted) return false;
      this.stamps.push(this.now());
      return true;
    });
    this.queue = turn.then(() => undefined);
    return turn;
  }
}
