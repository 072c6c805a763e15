import type { PlannedRequest, Result } from "../plan/types.js";
import { RequestStream } from "./request-stream.js";
import { type SendSettings, sendAll } from "./send.js";

/** Kicks by what became of them, for metrics. */
export interface EnforcerStats {
  done: number;
  alreadyGone: number;
  failed: number;
  /** Asked for while the same kick was already waiting: folded into it. */
  coalesced: number;
  /** Not sent because the enforcer closed first. */
  dropped: number;
  /** Waiting to be sent or on the wire now. */
  pending: number;
}

export interface Enforcer {
  /** Queues a request, unless the same one is already waiting (then it is coalesced into it). */
  enforce(request: PlannedRequest): void;
  /**
   * Stops taking requests. `drop` (a shutdown): those on the wire finish, those not yet sent are dropped
   * and counted; otherwise (the input ended) every queued request is still sent. Resolves once idle.
   */
  close(drop: boolean): Promise<void>;
  stats(): EnforcerStats;
}

/**
 * Where a request stands: waiting in the stream, taken by the engine (possibly on the wire), or
 * taken with another entry seen meanwhile (one more send after its result: the user may have come
 * back after the kick landed).
 */
type State = "waiting" | "taken" | "again";

const keyOf = (r: { action: string; sdkAppId: number; roomIdType: string; roomId: number | string; userIds?: string[] }) =>
  JSON.stringify([r.action, r.sdkAppId, r.roomIdType, r.roomId, r.userIds ?? []]);
const requestKey = (r: PlannedRequest) => keyOf({ ...r, ...r.room });

/**
 * A long-lived run of the engine, fed as events arrive: how bans are enforced while events are received.
 * At most one request per (room, users) waits at any time, so one user re-entering in a flood holds at
 * most one place in the queue and delays no one else.
 */
export function startEnforcer(settings: SendSettings, onResult: (result: Result) => void | Promise<void>): Enforcer {
  const stream = new RequestStream();
  const states = new Map<string, { state: State; request: PlannedRequest }>();
  const stop = new AbortController();
  const stats: EnforcerStats = { done: 0, alreadyGone: 0, failed: 0, coalesced: 0, dropped: 0, pending: 0 };
  let idle: (() => void) | undefined;

  async function* taken(): AsyncIterable<PlannedRequest> {
    for await (const request of stream) {
      const entry = states.get(requestKey(request));
      if (entry) entry.state = "taken";
      yield request;
    }
  }

  function settled(result: Result): void | Promise<void> {
    const key = keyOf(result);
    const entry = states.get(key);
    if (entry?.state === "again" && !stop.signal.aborted) {
      entry.state = "waiting";
      stream.push(entry.request);
    } else {
      states.delete(key);
      if (entry?.state === "again") stats.dropped++;
    }
    stats.pending = states.size;
    if (states.size === 0) idle?.();
    // Not sent because of the shutdown: counted, not reported one by one.
    if (result.status === "not-started" && stop.signal.aborted) {
      stats.dropped++;
      return;
    }
    if (result.status === "done") stats.done++;
    else if (result.status === "already-gone") stats.alreadyGone++;
    else if (result.status === "failed") stats.failed++;
    return onResult(result);
  }

  // Read no further ahead than the engine sends: what is not yet read is taken in turns by user, and dropped at shutdown.
  const running = sendAll(taken(), { ...settings, maxOutstanding: settings.concurrency, signal: AbortSignal.any([settings.signal, stop.signal]) }, settled);
  return {
    enforce(request) {
      if (stop.signal.aborted) {
        stats.dropped++;
        return;
      }
      const key = requestKey(request);
      const entry = states.get(key);
      if (entry?.state === "taken") entry.state = "again";
      else if (entry) stats.coalesced++;
      else {
        states.set(key, { state: "waiting", request });
        stream.push(request);
      }
      stats.pending = states.size;
    },
    async close(drop) {
      if (drop) {
        stop.abort();
        stats.dropped += stream.discard();
      } else if (states.size > 0) {
        // Follow-up kicks are queued as results come: end the stream only once nothing is left.
        await new Promise<void>((resolve) => (idle = resolve));
      }
      stream.end();
      await running;
      stats.pending = 0;
    },
    stats: () => ({ ...stats }),
  };
}
