import type { PlannedRequest } from "../plan/types.js";

/** Requests that arrive over time (ban enforcement), as the async iterable the scheduler reads. */
export class RequestStream implements AsyncIterable<PlannedRequest> {
  private readonly queued: PlannedRequest[] = [];
  private wake: (() => void) | undefined;
  private ended = false;

  push(request: PlannedRequest): void {
    if (this.ended) return;
    this.queued.push(request);
    this.wake?.();
  }

  /** Forgets the requests not yet read; returns how many there were. */
  discard(): number {
    return this.queued.splice(0).length;
  }

  /** No more requests; the reader finishes once the queued ones are read. */
  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<PlannedRequest> {
    for (;;) {
      const next = this.queued.shift();
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
