/**
 * The emulator's time: API latency, the rate window, callback delays and retries, request times.
 * Real (monotonic) by default; a test passes its own to drive them without waiting.
 */
export interface EmulatorClock {
  now(): number;
  /** Resolves true after ms, or false at once when the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<boolean>;
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      },
      Math.max(0, ms),
    );
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export const REAL_CLOCK: EmulatorClock = { now: () => performance.now(), sleep };
