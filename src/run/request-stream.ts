import type { PlannedRequest } from "../plan/types.js";

/** The users a request is for: each set of users waits in its own lane. */
const laneOf = (request: PlannedRequest) => JSON.stringify("userIds" in request ? request.userIds : []);

/**
 * Requests that arrive over time (ban enforcement), as the async iterable the scheduler reads.
 * Read in turns by user, not by arrival: one user banned from every room and entering hundreds of
 * them queues hundreds of kicks, and another banned user's kick must not wait behind them all.
 */
export class RequestStream implements AsyncIterable<PlannedRequest> {
  /** In turn order: a lane that was read moves to the back. */
  private readonly lanes = new Map<string, PlannedRequest[]>();
  private wake: (() => void) | undefined;
  private ended = false;

  push(request: PlannedRequest): void {
    if (this.ended) return;
    const lane = laneOf(request);
    const queued = this.lanes.get(lane);
    if (queued) queued.push(request);
    else this.lanes.set(lane, [request]);
    this.wake?.();
  }

  /** Forgets the requests not yet read; returns how many there were. */
  discard(): number {
    let count = 0;
    for (const queued of this.lanes.values()) count += queued.length;
    this.lanes.clear();
    return count;
  }

  /** No more requests; the reader finishes once the queued ones are read. */
  end(): void {
    this.ended = true;
    this.wake?.();
  }

  private next(): PlannedRequest | undefined {
    const first = this.lanes.entries().next();
    if (first.done) return undefined;
    const [lane, queued] = first.value;
    this.lanes.delete(lane);
    const request = queued.shift();
    if (queued.length > 0) this.lanes.set(lane, queued);
    return request;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<PlannedRequest> {
    for (;;) {
      const next = this.next();
      if (next) {
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}
