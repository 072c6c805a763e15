interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * At most this many turns of the event loop between the first item and its write. Each commit costs
 * an fsync: under 64 connections a batch grew from ~42 to ~55 items, and a lone item still waits one turn.
 */
const GATHER_TURNS = 4;

/**
 * Group commit: items submitted while a write is in flight (or over the few turns while they keep
 * arriving) go into the next write together, so one durable commit answers many requests.
 */
export class GroupCommit<T, R> {
  private queue: Pending<T, R>[] = [];
  private running: Promise<void> | undefined;

  /**
   * `stillUp` is asked after a batch fails: when the store itself is down, the whole batch fails at
   * once instead of being retried item by item (one connect timeout each, while TRTC waits 5 s).
   */
  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 500,
    private readonly stillUp: () => Promise<boolean> = async () => true,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.running ??= this.gather().then(() => this.loop());
    });
  }

  /** Resolves once everything submitted so far is written (or has failed). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * Waits while requests keep arriving: one turn of the event loop after the first, and another
   * each time the last turn brought more (bounded), so a burst read over a few turns is one commit.
   */
  private async gather(): Promise<void> {
    let seen = 0;
    for (let turn = 0; turn < GATHER_TURNS && this.queue.length > seen && this.queue.length < this.maxBatch; turn++) {
      seen = this.queue.length;
      await new Promise<void>((next) => setImmediate(next));
    }
  }

  private async loop(): Promise<void> {
    while (this.queue.length > 0) await this.commit(this.queue.splice(0, this.maxBatch));
    this.running = undefined;
  }

  private async commit(batch: Pending<T, R>[]): Promise<void> {
    try {
      const results = await this.write(batch.map((p) => p.item));
      for (const [i, p] of batch.entries()) p.resolve(results[i]!);
    } catch (err) {
      if (batch.length === 1 || !(await this.stillUp())) {
        for (const p of batch) p.reject(err);
        return;
      }
      // One poisonous item must not fail the whole batch: retry each alone.
      for (const p of batch) await this.commit([p]);
    }
  }
}
