/**
 * The scheduler's time: wall-clock milliseconds (the server counts requests per wall-clock second)
 * and cancellable sleeps. Real by default; a test passes its own to run backoffs without waiting.
 */
export interface Clock {
  now(): number;
  /** Resolves true after ms, or false at once when the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<boolean>;
}

export const REAL_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve(false);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    }),
};
