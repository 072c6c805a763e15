import { setTimeout as sleep } from "node:timers/promises";
import { post } from "./forward-post.js";
import type { AppendOutcome, ClaimedForward, ForwardQueue, ForwardRequest, ForwardSettled, IncomingEvent } from "./types.js";

export interface ForwardOptions {
  urls: string[];
  /** The store's pending deliveries: the forwarder delivers from there, never from memory alone. */
  queue: ForwardQueue;
  /** Called when a body could not be delivered to a URL; `why` never holds the body. */
  onGiveUp: (url: string, why: string) => void;
  /** The store failed while forwarding; called once until it answers again. */
  onStoreError: (err: unknown) => void;
  now?: () => number;
  /** Counted from the event's arrival (when it was stored), across restarts. */
  giveUpAfterMs?: number;
  attemptTimeoutMs?: number;
  /** Deliveries pending in the store beyond which new events are not forwarded (counted as given up). */
  maxPending?: number;
  /** Deliveries claimed (bodies in memory) at once. */
  maxConcurrent?: number;
  /** How long a claimed delivery stays this receiver's; after that (a crash) any receiver with the target resumes it. */
  leaseMs?: number;
  /** How often the store is looked at for retries that came due and deliveries left by others. */
  pollMs?: number;
}

export interface ForwardStats {
  /** Deliveries waiting in the store for this receiver's targets (refreshed every poll). */
  pending: number;
  delivered: number;
  givenUp: number;
}

/** TRTC's own policy: one immediate retry, then every 10 s, for one minute. */
const RETRY_DELAYS_MS = [0, 1000, 2000, 5000, 10_000];
const BATCH_MS = 20;

/**
 * Re-posts raw callback bodies, byte for byte with their headers, from the deliveries the store
 * queued with each newly stored event: a restart (even SIGKILL) resumes them, and several receivers
 * on one store never deliver a row twice at once (claims with a lease). Never blocks the receiver.
 */
export class Forwarder {
  private readonly stop = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  /** Deliveries settled on the wire, written to the store with the next claim; `then` runs once written. */
  private readonly outcomes: { settled: ForwardSettled; then: () => void }[] = [];
  private readonly now: () => number;
  private readonly counts: ForwardStats = { pending: 0, delivered: 0, givenUp: 0 };
  /** Appends carrying deliveries, from request() until stored() or abandoned(): a count taken meanwhile may or may not hold them. */
  private appending = 0;
  private appendsStarted = 0;
  private owner = "";
  private running: Promise<void> | undefined;
  private closing = false;
  private woken = false;
  private wakeUp: (() => void) | undefined;
  private storeFailing = false;
  private full = false;

  constructor(private readonly options: ForwardOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Resumes the deliveries the store holds for these targets, then delivers as events are stored.
   * `owner` names this receiver across restarts (machine and listening address), so a restarted one
   * takes back its own claims at once rather than after their leases.
   */
  start(owner: string): void {
    this.owner = owner;
    this.running ??= this.loop();
  }

  /** What to store with an event so it is forwarded; undefined while too many deliveries are pending. */
  request(headers: Record<string, string>): ForwardRequest | undefined {
    if (this.counts.pending >= (this.options.maxPending ?? 100_000)) return undefined;
    this.full = false;
    this.appending++;
    this.appendsStarted++;
    return { targets: this.options.urls, headers };
  }

  /** The event's append failed (the caller answered 500): its deliveries were not queued. */
  abandoned(event: IncomingEvent): void {
    if (event.forward) this.appending--;
  }

  /** The event was appended: deliver now rather than at the next poll. */
  stored(event: IncomingEvent, outcome: AppendOutcome): void {
    if (event.forward) this.appending--;
    if (outcome !== "stored") return;
    if (!event.forward) {
      this.counts.givenUp += this.options.urls.length;
      if (!this.full)
        for (const url of this.options.urls)
          this.options.onGiveUp(url, `${this.counts.pending} deliveries already pending; new events are not forwarded until they drain`);
      this.full = true;
      return;
    }
    this.counts.pending += event.forward.targets.length;
    this.wake();
  }

  stats(): ForwardStats {
    return { ...this.counts };
  }

  /**
   * Stops claiming, waits for deliveries on the wire at most `graceMs`, then abandons the rest to the
   * store (the next start resumes them); stats().pending says how many.
   */
  async drain(graceMs: number): Promise<void> {
    this.closing = true;
    this.wake();
    await this.running;
    const all = Promise.all([...this.inFlight]);
    await Promise.race([all, sleep(graceMs, undefined, { ref: false })]);
    this.stop.abort();
    await all;
    await this.exchange(0).catch((err: unknown) => this.storeFailed(err));
  }

  private wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private storeFailed(err: unknown): void {
    if (!this.storeFailing) this.options.onStoreError(err);
    this.storeFailing = true;
  }

  /** One transaction: writes what was settled, then claims up to `limit` due deliveries. */
  private async exchange(limit: number): Promise<ClaimedForward[]> {
    const outcomes = this.outcomes.splice(0);
    try {
      const claimed = await this.options.queue.settleAndClaim(
        outcomes.map((o) => o.settled),
        { owner: this.owner, targets: this.options.urls, nowMs: this.now(), limit, leaseMs: this.leaseMs() },
      );
      for (const o of outcomes) o.then();
      this.storeFailing = false;
      return claimed;
    } catch (err) {
      // Kept for the next try; meanwhile their leases keep other receivers off them.
      this.outcomes.unshift(...outcomes);
      throw err;
    }
  }

  private async loop(): Promise<void> {
    const { urls, queue } = this.options;
    const maxConcurrent = this.options.maxConcurrent ?? 64;
    let counted = Number.NEGATIVE_INFINITY;
    let released = false;
    let exchanged = Number.NEGATIVE_INFINITY;
    while (!this.closing) {
      // At most one transaction per window, not one per event: the appends share the store's writer.
      const since = performance.now() - exchanged;
      if (since < BATCH_MS) await sleep(BATCH_MS - since);
      if (this.closing) break;
      exchanged = performance.now();
      this.woken = false;
      let more = false;
      try {
        if (!released) released = (await queue.release(this.owner), true);
        if (this.now() - counted >= (this.options.pollMs ?? 1000)) {
          // Deliveries to targets no receiver forwards to any more would otherwise stay forever.
          await queue.dropExpired(urls, this.now() - this.giveUpAfterMs() - this.leaseMs());
          // Taken only when no append with deliveries overlapped the count: one that did may or may not be in it.
          const [busy, started] = [this.appending, this.appendsStarted];
          const pending = await queue.count(urls);
          if (busy === 0 && this.appending === 0 && this.appendsStarted === started) this.counts.pending = pending;
          counted = this.now();
        }
        const free = maxConcurrent - this.inFlight.size;
        const claimed = await this.exchange(free);
        for (const row of claimed) this.track(this.deliver(row));
        more = free > 0 && claimed.length === free;
      } catch (err) {
        this.storeFailed(err);
      }
      if (more || this.woken || this.closing) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs ?? 1000);
        timer.unref();
        this.wakeUp = () => (clearTimeout(timer), resolve());
      });
      this.wakeUp = undefined;
    }
  }

  private track(task: Promise<void>): void {
    const tracked = task.finally(() => {
      this.inFlight.delete(tracked);
      this.wake();
    });
    this.inFlight.add(tracked);
  }

  private giveUpAfterMs(): number {
    return this.options.giveUpAfterMs ?? 60_000;
  }

  private leaseMs(): number {
    return this.options.leaseMs ?? 30_000;
  }

  private async deliver(row: ClaimedForward): Promise<void> {
    const deadline = row.arrivedMs + this.giveUpAfterMs();
    // Resumed (after a restart, or a store outage) too late: TRTC's own policy would have given up by now.
    if (this.now() >= deadline) return this.giveUp(row, "not delivered within one minute of arrival");
    const why = await this.attempt(row);
    if (why === "") return this.gone(row, () => this.counts.delivered++);
    // Shutting down: left to the store, for the next start (or another receiver) to resume.
    if (this.stop.signal.aborted) return this.settle({ id: row.id, gone: false, nextMs: this.now() }, () => undefined);
    const nextMs = this.now() + RETRY_DELAYS_MS[Math.min(row.attempts - 1, RETRY_DELAYS_MS.length - 1)]!;
    if (nextMs >= deadline) return this.giveUp(row, `not delivered within one minute of arrival (last: ${why})`);
    this.settle({ id: row.id, gone: false, nextMs }, () => undefined);
  }

  private giveUp(row: ClaimedForward, why: string): void {
    this.gone(row, () => {
      this.counts.givenUp++;
      this.options.onGiveUp(row.target, why);
    });
  }

  /** Delivered or given up: counted once the row is deleted. */
  private gone(row: ClaimedForward, count: () => void): void {
    this.settle({ id: row.id, gone: true }, () => {
      this.counts.pending = Math.max(0, this.counts.pending - 1);
      count();
    });
  }

  private settle(settled: ForwardSettled, then: () => void): void {
    this.outcomes.push({ settled, then });
  }

  /** One POST; "" on a 2xx, else why not. */
  private attempt(row: ClaimedForward): Promise<string> {
    const signal = AbortSignal.any([AbortSignal.timeout(this.options.attemptTimeoutMs ?? 5000), this.stop.signal]);
    return post(row.target, row.body, row.headers, signal);
  }
}
