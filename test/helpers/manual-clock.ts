import type { EmulatorClock } from "../../src/emulator/clock.js";

/** A clock that stands still until the test moves it: sleeps wake only in advanceTo, in time order. The emulator's and the scheduler's clocks have one shape. */
export class ManualClock implements EmulatorClock {
  private t = 0;
  private readonly sleeping = new Set<{ at: number; wake: (ok: boolean) => void }>();

  now = (): number => this.t;

  sleep = (ms: number, signal: AbortSignal): Promise<boolean> =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve(false);
      const entry = { at: this.t + Math.max(0, ms), wake: resolve };
      this.sleeping.add(entry);
      signal.addEventListener("abort", () => this.sleeping.delete(entry) && resolve(false), { once: true });
    });

  /** When the pending sleeps are due, earliest first. */
  wakes(): number[] {
    return [...this.sleeping].map((s) => s.at).sort((a, b) => a - b);
  }

  /** Lets time pass without waking anyone, as a slow attempt does. */
  pass(ms: number): void {
    this.t += ms;
  }

  /** Moves time to `at`, waking every sleep due by then. */
  advanceTo(at: number): void {
    this.t = at;
    for (const s of [...this.sleeping].filter((s) => s.at <= at)) {
      this.sleeping.delete(s);
      s.wake(true);
    }
  }
}
