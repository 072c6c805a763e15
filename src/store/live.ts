import { untilInterrupted } from "../errors.js";
import { type PlannedRequest, type Result, type RoomKey, roomKeyOf } from "../plan/types.js";
import type { InventoryStore, Room, RoomClose, RoomFilters } from "./types.js";

export type LiveFilters = Omit<RoomFilters, "all">;

/** Exactly the rooms `rooms list` shows with these filters (live ones only): what `dismiss --live` targets. */
export function liveRoomsFor(store: InventoryStore, sdkAppId: number, filters: LiveFilters, now = Date.now()): Promise<Room[]> {
  return store.listRooms(sdkAppId, { ...filters, all: false }, now);
}

const FLUSH_EVERY = 500;
/** Closes kept for the end once a write has failed; past this, the rest are counted, not kept (memory stays flat). */
const KEEP_AT_MOST = 100_000;
/** The store's own busy and connect timeouts are 5 s: a store that answers at all answers within them. */
const GRACE_MS = 5000;
const keyOf = (room: RoomKey) => `${room.roomIdType}|${room.roomId}`;

export interface CloserOptions {
  /** Close only rooms the inventory shows live (a plain dismiss): a room it never saw is not added. */
  onlyLive: boolean;
  now?: () => number;
  /** How long the last writes may take after an interrupt; GRACE_MS unless a test says otherwise. */
  graceMs?: number;
}

export interface CloserOutcome {
  closed: number;
  /** Rooms dismissed whose close was not written: after a write failed, or an interrupt. */
  notClosed: number;
  error: Error | undefined;
}

/**
 * Closes in the inventory the rooms a dismissal reports done or already-gone, so a lost 102 heals.
 * Each close is stamped with when its request was taken up to be sent, which is no later than
 * TRTC's dismissal: a client entering after the dismissal (its 103 later in event time) re-opens
 * the room, even if its callback is stored before the close. Closes are written in batches as
 * results arrive, so memory stays flat on a long run; the store opens on the first one. After a
 * failed write (a busy or unreachable store) nothing more is written during the run: the closes
 * wait for one more try at the end, which an interrupt bounds to a grace period.
 */
export class RoomCloser {
  private readonly takenAt = new Map<string, number>();
  private pending: RoomClose[] = [];
  private writing: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private closed = 0;
  private dropped = 0;
  /** Closes handed to the store and not yet written. */
  private inFlight = 0;
  private readonly now: () => number;

  constructor(
    private readonly sdkAppId: number,
    /** The inventory to write to; undefined when there is none to keep up to date. */
    private readonly store: () => Promise<InventoryStore | undefined>,
    private readonly options: CloserOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The requests, unchanged, noting when each is taken up. */
  async *track(requests: AsyncIterable<PlannedRequest>): AsyncIterable<PlannedRequest> {
    for await (const request of requests) {
      this.takenAt.set(keyOf(request.room), this.now());
      yield request;
    }
  }

  add(result: Result): void {
    const key = keyOf(result);
    const atMs = this.takenAt.get(key);
    this.takenAt.delete(key);
    if (atMs === undefined || (result.status !== "done" && result.status !== "already-gone")) return;
    if (this.pending.length >= KEEP_AT_MOST) {
      this.dropped++;
      return;
    }
    this.pending.push({ room: roomKeyOf(result), atMs });
    if (this.pending.length >= FLUSH_EVERY && !this.failure) this.flush();
  }

  /**
   * Writes what is left (one more try after a failure), an interrupt included: the rooms already
   * dismissed are closed before the exit. A store that does not answer within the grace period
   * after an interrupt is given up on, and what it did not write is counted.
   */
  async finish(interrupt: AbortSignal): Promise<CloserOutcome> {
    const grace = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const startGrace = () => (timer = setTimeout(() => grace.abort(), this.options.graceMs ?? GRACE_MS));
    interrupt.addEventListener("abort", startGrace, { once: true });
    if (interrupt.aborted) startGrace();
    try {
      await untilInterrupted(this.writing, grace.signal).catch(() => undefined);
      if (this.pending.length > 0 && !grace.signal.aborted) {
        this.failure = undefined;
        this.flush();
        await untilInterrupted(this.writing, grace.signal).catch(() => undefined);
      }
    } finally {
      clearTimeout(timer);
      interrupt.removeEventListener("abort", startGrace);
    }
    const unwritten = this.failure || grace.signal.aborted ? this.pending.length + this.inFlight : 0;
    return { closed: this.closed, notClosed: unwritten + this.dropped, error: this.failure };
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.inFlight += batch.length;
    this.writing = this.writing.then(async () => {
      try {
        const store = await this.store();
        if (!store) return;
        const closes = this.options.onlyLive ? await this.liveOnly(store, batch) : batch;
        if (closes.length > 0) await store.closeRooms(this.sdkAppId, closes);
        this.closed += closes.length;
      } catch (err) {
        this.failure = err as Error;
        // Kept for the try at the end.
        const kept = batch.concat(this.pending);
        this.dropped += Math.max(0, kept.length - KEEP_AT_MOST);
        this.pending = kept.slice(0, KEEP_AT_MOST);
      } finally {
        this.inFlight -= batch.length;
      }
    });
  }

  private async liveOnly(store: InventoryStore, batch: RoomClose[]): Promise<RoomClose[]> {
    const live = new Set(
      (
        await store.liveAmong(
          this.sdkAppId,
          batch.map((c) => c.room),
        )
      ).map(keyOf),
    );
    return batch.filter((c) => live.has(keyOf(c.room)));
  }
}
