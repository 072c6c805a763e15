import { LocalBudget, type RateBudget, type Release, SLOT_HOLD_MS, WaitQueue } from "./budget.js";

/** Slots of a rate budget kept where several processes see them (the inventory store provides this). */
export interface SlotLedger {
  /** Takes a free slot below `rate` of `key` until `leaseUntilMs`, or says when the earliest one frees. */
  claimRateSlot(key: string, rate: number, nowMs: number, leaseUntilMs: number): Promise<{ slot: number } | { retryAtMs: number }>;
  /** Frees the slot at `freeAtMs` (0: at once). */
  freeRateSlot(key: string, slot: number, freeAtMs: number): Promise<void>;
}

/** How long a waiter goes without looking at the ledger again: slots other processes free are seen this late at most. */
const MAX_WAIT_MS = 100;

/**
 * A budget whose slots live in a ledger shared by every process: three CI jobs on one SdkAppId
 * stay under TRTC's 20/s together. A slot is leased for at most the attempt's timeout plus the
 * hold, so a process that dies mid-request only delays the others. If the ledger cannot be
 * reached, the process paces itself alone rather than stopping.
 */
export class SharedBudget implements RateBudget {
  private readonly queue = new WaitQueue();
  private pumping = false;
  private readonly alone = new LocalBudget();
  private readonly freeing = new Set<Promise<unknown>>();
  private wake: (() => void) | undefined;

  constructor(
    private readonly ledger: SlotLedger,
    private readonly key: string,
    private readonly leaseMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(rate: number, signal: AbortSignal): Promise<Release | undefined> {
    return new Promise((resolve) => {
      this.queue.add(rate, signal, resolve);
      void this.pump();
    });
  }

  async settled(): Promise<void> {
    await Promise.all(this.freeing);
  }

  /** One claim at a time from this process, in arrival order: waiters never stampede the store. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let head = this.queue.head; head; head = this.queue.head) {
        const now = this.now();
        const claim = await this.ledger.claimRateSlot(this.key, head.rate, now, now + this.leaseMs + SLOT_HOLD_MS).catch(() => undefined);
        if (!claim) {
          const waiter = this.queue.shift()!;
          void this.alone.take(waiter.rate, waiter.signal).then(waiter.resolve);
          continue;
        }
        if ("retryAtMs" in claim) {
          // A lease ends early when its attempt settles: a free here wakes the wait, one elsewhere is seen at the next look.
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => resolve(), Math.max(1, Math.min(claim.retryAtMs - this.now(), MAX_WAIT_MS)));
            this.wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          this.wake = undefined;
          continue;
        }
        const waiter = this.queue.head === head ? this.queue.shift()! : undefined;
        const free = (at: number) => {
          const write = this.ledger
            .freeRateSlot(this.key, claim.slot, at)
            .catch(() => undefined)
            .then(() => (at === 0 ? this.wake?.() : setTimeout(() => this.wake?.(), at - this.now()).unref()));
          this.freeing.add(write);
          void write.finally(() => this.freeing.delete(write));
        };
        // The head gave up while its slot was being claimed: the slot was never used.
        if (!waiter) free(0);
        else waiter.resolve(once((sent) => free(sent ? this.now() + SLOT_HOLD_MS + 1 : 0)));
      }
    } finally {
      this.pumping = false;
    }
  }
}

function once(release: Release): Release {
  let done = false;
  return (sent) => {
    if (!done) release(sent);
    done = true;
  };
}
