interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: items submitted while a write is in flight (or within the same tick) go
 * into the next write together, so one durable commit answers many requests.
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
      this.running ??= new Promise<void>((tick) => setImmediate(tick)).then(() => this.loop());
    });
  }

  /** Resolves once everything submitted so far is written (or has failed). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
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
