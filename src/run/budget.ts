/** Gives a slot back: one second after the attempt it admitted settled, or at once if nothing was sent. */
export type Release = (sent: boolean) => void;

/** One rate budget of one (SdkAppId, action): TRTC counts 20/s per action, as arrivals. */
export interface RateBudget {
  /** Resolves once fewer than `rate` slots are taken, or undefined when `signal` aborts first. */
  take(rate: number, signal: AbortSignal): Promise<Release | undefined>;
  /** Resolves once every slot given back so far is recorded (a shared budget writes it to its ledger). */
  settled(): Promise<void>;
}

/**
 * How long a slot stays taken after its attempt settled. The server counts a request when it
 * arrives, somewhere between the attempt's start and its answer, so two arrivals on one slot are
 * always a second apart and no network delay can put rate+1 of them into one second.
 */
export const SLOT_HOLD_MS = 1000;

interface Waiter {
  rate: number;
  resolve: (release: Release | undefined) => void;
  signal: AbortSignal;
}

/** Waiters in arrival order; those of a signal that aborts leave at once. */
export class WaitQueue {
  private waiters: Waiter[] = [];
  // One listener per signal, not per waiter: Node warns past ten on one signal.
  private readonly watched = new WeakSet<AbortSignal>();

  add(rate: number, signal: AbortSignal, resolve: (release: Release | undefined) => void): void {
    if (signal.aborted) return resolve(undefined);
    this.waiters.push({ rate, resolve, signal });
    if (this.watched.has(signal)) return;
    this.watched.add(signal);
    signal.addEventListener(
      "abort",
      () => {
        const gone = this.waiters.filter((w) => w.signal === signal);
        this.waiters = this.waiters.filter((w) => w.signal !== signal);
        for (const w of gone) w.resolve(undefined);
      },
      { once: true },
    );
  }

  get head(): Waiter | undefined {
    return this.waiters[0];
  }

  shift(): Waiter | undefined {
    return this.waiters.shift();
  }
}

/** A budget counted in this process: every run and library call of the process shares it. */
export class LocalBudget implements RateBudget {
  private taken = 0;
  private readonly queue = new WaitQueue();
  private readonly holds = new Set<NodeJS.Timeout>();

  take(rate: number, signal: AbortSignal): Promise<Release | undefined> {
    return new Promise((resolve) => {
      this.queue.add(rate, signal, resolve);
      this.admit();
    });
  }

  async settled(): Promise<void> {}

  private admit(): void {
    for (let head = this.queue.head; head && this.taken < head.rate; head = this.queue.head) {
      this.taken++;
      let released = false;
      this.queue.shift()!.resolve((sent) => {
        if (released) return;
        released = true;
        if (!sent) return this.free();
        // Node's timers count whole milliseconds and can fire up to 1 ms early.
        const hold = setTimeout(() => {
          this.holds.delete(hold);
          this.free();
        }, SLOT_HOLD_MS + 1);
        this.holds.add(hold);
        this.keepAliveWhileWaited();
      });
    }
    this.keepAliveWhileWaited();
  }

  /** A held slot keeps the process up only while someone waits for it: a finished run exits at once. */
  private keepAliveWhileWaited(): void {
    for (const hold of this.holds) this.queue.head ? hold.ref() : hold.unref();
  }

  private free(): void {
    this.taken--;
    this.admit();
  }
}
