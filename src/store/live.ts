import type { PlannedRequest, Result } from "../plan/types.js";
import type { InventoryStore, Room, RoomClose, RoomFilters } from "./types.js";

export type LiveFilters = Omit<RoomFilters, "all">;

/** Exactly the rooms `rooms list` shows with these filters (live ones only): what `dismiss --live` targets. */
export function liveRoomsFor(store: InventoryStore, sdkAppId: number, filters: LiveFilters, now = Date.now()): Promise<Room[]> {
  return store.listRooms(sdkAppId, { ...filters, all: false }, now);
}

const FLUSH_EVERY = 500;
const keyOf = (type: string, id: number | string) => `${type}|${id}`;

/**
 * Closes in the inventory the rooms a dismissal reports done or already-gone, so a lost 102 heals.
 * Each close is stamped with when its request was taken up to be sent, which is no later than
 * TRTC's dismissal: a client entering after the dismissal (its 103 later in event time) re-opens
 * the room, even if its callback is stored before the close. Closes are written in batches as
 * results arrive, so memory stays flat on a long run; the store opens on the first one.
 */
export class RoomCloser {
  private readonly takenAt = new Map<string, number>();
  private pending: RoomClose[] = [];
  private writing: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private closed = 0;

  constructor(
    private readonly sdkAppId: number,
    /** The inventory to write to; undefined when there is none to keep up to date. */
    private readonly store: () => Promise<InventoryStore | undefined>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The requests, unchanged, noting when each is taken up. */
  async *track(requests: AsyncIterable<PlannedRequest>): AsyncIterable<PlannedRequest> {
    for await (const request of requests) {
      this.takenAt.set(keyOf(request.room.type, request.room.id), this.now());
      yield request;
    }
  }

  add(result: Result): void {
    const key = keyOf(result.roomIdType, result.roomId);
    const atMs = this.takenAt.get(key);
    this.takenAt.delete(key);
    if (atMs === undefined || (result.status !== "done" && result.status !== "already-gone")) return;
    this.pending.push({ room: { roomIdType: result.roomIdType, roomId: result.roomId }, atMs });
    if (this.pending.length >= FLUSH_EVERY) this.flush();
  }

  /** Writes what is left; the error, if any write failed (the rest are not attempted). Returns how many rooms were closed. */
  async finish(): Promise<{ closed: number; error: Error | undefined }> {
    this.flush();
    await this.writing;
    return { closed: this.closed, error: this.failure };
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.writing = this.writing.then(async () => {
      if (this.failure) return;
      try {
        const store = await this.store();
        if (!store) return;
        await store.closeRooms(this.sdkAppId, batch);
        this.closed += batch.length;
      } catch (err) {
        this.failure = err as Error;
      }
    });
  }
}
