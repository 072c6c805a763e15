import type { EventPruner, PruneCount } from "./types.js";

export interface RetentionOptions {
  store: EventPruner;
  sdkAppId: number;
  retainMs: number;
  now: () => number;
  onPruned: (count: PruneCount, beforeMs: number) => void;
  /** A failed prune is retried at the next interval; the receiver goes on. */
  onError: (err: unknown) => void;
}

export interface Retention {
  /** Stops the schedule and waits for a prune in progress (it deletes in short transactions). */
  close(): Promise<void>;
}

/** Often enough that the store holds at most a little more than the window; a prune of nothing is one index probe. */
export const pruneEveryMs = (retainMs: number) => Math.max(1000, Math.min(retainMs / 4, 600_000));

/** `events serve --retain`: prunes the store's events older than the window, at start and then periodically. */
export function startRetention(options: RetentionOptions): Retention {
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const run = async () => {
    const beforeMs = options.now() - options.retainMs;
    try {
      const count = await options.store.prune(options.sdkAppId, beforeMs);
      if (count.events > 0 || count.departed > 0 || count.closedRooms > 0) options.onPruned(count, beforeMs);
    } catch (err) {
      options.onError(err);
    }
    if (!closed) timer = setTimeout(() => (running = run()), pruneEveryMs(options.retainMs));
  };
  running = run();
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
