/** How long a rate slot stays taken after its attempt settled. */
const SLOT_HOLD_MS = 1000;

/**
 * Admits attempts: at most `concurrency` in flight and, when `rate` > 0, at most `rate`
 * rate slots taken. A slot comes back SLOT_HOLD_MS after its attempt settled. The server
 * counts a request when it arrives, somewhere between the attempt's start and its answer,
 * so two arrivals on one slot are always a second apart and no network delay can put
 * rate+1 of them into one second.
 *
 * Closing admits nothing more and ends every wait at once, backoff pauses included:
 * one abort listener for the whole run rather than one per wait, which trips Node's
 * MaxListenersExceededWarning past ten.
 */
export class Gate {
  private inFlight = 0;
  private slotsTaken = 0;
  private closed = false;
  private readonly queue: Array<(admitted: boolean) => void> = [];
  private readonly pauses = new Map<NodeJS.Timeout, () => void>();
  private readonly slotTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly concurrency: number,
    private readonly rate: number,
  ) {}

  /** Resolves true when an attempt may start (call leave() once it settles), false once closed. */
  enter(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.queue.push(resolve);
      this.admit();
    });
  }

  /** The attempt settled: its in-flight place is free now, its rate slot a second from now. */
  leave(): void {
    this.inFlight--;
    if (this.rate > 0 && !this.closed) {
      // Node's timers count whole milliseconds and can fire up to 1 ms early.
      const timer = setTimeout(() => {
        this.slotTimers.delete(timer);
        this.slotsTaken--;
        this.admit();
      }, SLOT_HOLD_MS + 1);
      this.slotTimers.add(timer);
    }
    this.admit();
  }

  /** Resolves after `ms`, or at once when closed. */
  pause(ms: number): Promise<void> {
    if (this.closed || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pauses.delete(timer);
        resolve();
      }, ms);
      this.pauses.set(timer, resolve);
    });
  }

  /** Admits nothing more; waiting attempts get false and pauses end. Attempts in flight are untouched. */
  close(): void {
    this.closed = true;
    for (const resolve of this.queue.splice(0)) resolve(false);
    for (const [timer, resolve] of this.pauses) {
      clearTimeout(timer);
      resolve();
    }
    this.pauses.clear();
    // Slots matter no more, and their timers would keep the process up for a second.
    for (const timer of this.slotTimers) clearTimeout(timer);
    this.slotTimers.clear();
  }

  private admit(): void {
    while (this.queue.length > 0 && this.inFlight < this.concurrency && (this.rate <= 0 || this.slotsTaken < this.rate)) {
      this.inFlight++;
      if (this.rate > 0) this.slotsTaken++;
      this.queue.shift()!(true);
    }
  }
}
