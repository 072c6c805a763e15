import { type Clock, REAL_CLOCK } from "./clock.js";

/**
 * Admits attempts: at most `concurrency` in flight. (How many per second is each action's
 * RateBudget's business.) Closing admits nothing more and ends every wait at once, backoff
 * pauses included: each pause has its own abort controller rather than all listening to one
 * signal, which trips Node's MaxListenersExceededWarning past ten.
 */
export class Gate {
  private inFlight = 0;
  private closed = false;
  private readonly queue: Array<(admitted: boolean) => void> = [];
  private readonly pauses = new Set<AbortController>();

  constructor(
    private readonly concurrency: number,
    private readonly clock: Clock = REAL_CLOCK,
  ) {}

  /** Resolves true when an attempt may start (call leave() once it settles), false once closed. */
  enter(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.queue.push(resolve);
      this.admit();
    });
  }

  /** The attempt settled: its in-flight place is free now. */
  leave(): void {
    this.inFlight--;
    this.admit();
  }

  /** Resolves after `ms`, or at once when closed. */
  async pause(ms: number): Promise<void> {
    if (this.closed || ms <= 0) return;
    const pause = new AbortController();
    this.pauses.add(pause);
    await this.clock.sleep(ms, pause.signal);
    this.pauses.delete(pause);
  }

  /** Admits nothing more; waiting attempts get false and pauses end. Attempts in flight are untouched. */
  close(): void {
    this.closed = true;
    for (const resolve of this.queue.splice(0)) resolve(false);
    for (const pause of this.pauses) pause.abort();
    this.pauses.clear();
  }

  private admit(): void {
    while (this.queue.length > 0 && this.inFlight < this.concurrency) {
      this.inFlight++;
      this.queue.shift()!(true);
    }
  }
}
