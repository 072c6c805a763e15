import { createHash } from "node:crypto";
import type { AppendOutcome, IncomingEvent, PruneCount } from "../events/types.js";
import { type RoomKey, roomKeyOf } from "../plan/types.js";
import { activeBansFor, addBans, banPages, endBans, listBans, liveRoomsOf } from "./bans.js";
import { readCoverage, recordArrivals } from "./coverage.js";
import type { Db } from "./db.js";
import { effectsSeen } from "./effects.js";
import { queueForwards, SqlForwardQueue } from "./forwards.js";
import { type RoomHistoryEvent, roomHistory } from "./history.js";
import { claimRateSlot, freeRateSlot } from "./rate-slots.js";
import { prune, prunedBefore } from "./retention.js";
import { getRoom, listRooms, roomPages } from "./room-reader.js";
import { foldRooms, type PendingRoom } from "./room-writer.js";
import { multiRow } from "./sql-batch.js";
import type { Ban, BanQuery, Coverage, InventoryStore, NewBan, Room, RoomClose, RoomFilters } from "./types.js";

const INSERT_EVENTS = (
  values: string,
) => `INSERT INTO events (sdk_app_id, dedupe_key, group_id, event_type, room_type, room_id, user_id, event_ms, role, reason, source, body, received_ms)
  VALUES ${values} ON CONFLICT (sdk_app_id, dedupe_key) DO NOTHING RETURNING sdk_app_id, dedupe_key`;

/**
 * Identical room events (type, room, user, EventMsTs) are one event; other groups dedupe on the exact body.
 * A JSON array: its quoting keeps any characters in the ids from running into the next field.
 */
export function dedupeKey(e: IncomingEvent): string {
  const r = e.event.room;
  if (!r) return `g|${createHash("sha256").update(e.raw).digest("hex")}`;
  return JSON.stringify([e.source === "trtc" ? "r" : "a", r.type, r.roomIdType, String(r.roomId), r.userId, r.eventMs]);
}

/**
 * TRTC waits 5 s for an answer: a commit not done in 4 s is failed, so a database that stopped answering
 * gets 500s (TRTC retries) rather than silence, and the receiver's shutdown is not held by it.
 */
const COMMIT_TIMEOUT_MS = 4000;

/** The inventory over any Db: the event log is appended to, rooms are folded from it in the same transaction. */
export class SqlInventory implements InventoryStore {
  readonly forwards: SqlForwardQueue;
  private readonly coverageFresh = new Map<number, number>();

  constructor(
    private readonly db: Db,
    readonly label: string,
    private readonly commitTimeoutMs = COMMIT_TIMEOUT_MS,
  ) {
    this.forwards = new SqlForwardQueue(db);
  }

  append(events: IncomingEvent[]): Promise<AppendOutcome[]> {
    const now = Date.now();
    return this.db.tx(async (q) => {
      const keys = events.map(dedupeKey);
      const rows = events.map((e, i) => {
        const r = e.event.room;
        return [
          e.sdkAppId,
          keys[i],
          e.event.groupId,
          e.event.type,
          r?.roomIdType ?? null,
          r ? String(r.roomId) : null,
          r?.userId ?? "",
          r?.eventMs ?? e.event.callbackMs,
          r?.role ?? null,
          r?.reason ?? null,
          e.source,
          e.raw,
          now,
        ];
      });
      // Inserted once each: the first of identical events in the batch is the stored one, the rest duplicates.
      const inserted = new Set((await multiRow(q, rows, INSERT_EVENTS)).map((row) => `${String(row.sdk_app_id)}|${String(row.dedupe_key)}`));
      const outcomes = events.map((e, i): AppendOutcome => (inserted.delete(`${e.sdkAppId}|${keys[i]}`) ? "stored" : "duplicate"));
      const rooms = new Map<string, PendingRoom>();
      events.forEach((e, i) => {
        const r = e.event.room;
        if (outcomes[i] !== "stored" || !r) return;
        const id = `${e.sdkAppId}|${r.roomIdType}|${r.roomId}`;
        if (!rooms.has(id)) rooms.set(id, { ref: { sdkAppId: e.sdkAppId, ...roomKeyOf(r) }, events: [] });
        rooms.get(id)!.events.push({ type: r.type, userId: r.userId, eventMs: r.eventMs, role: r.role });
      });
      await this.db.lockKeys(q, [...rooms.keys()]);
      await foldRooms(q, [...rooms.values()], (sdkAppId) => prunedBefore(q, sdkAppId));
      await queueForwards(q, events, outcomes, now);
      await recordArrivals(q, this.db.dialect, events, now, this.coverageFresh);
      return outcomes;
    }, this.commitTimeoutMs);
  }

  async closeRooms(sdkAppId: number, rooms: RoomClose[]): Promise<void> {
    const closes: IncomingEvent[] = rooms.map(({ room: key, atMs }) => {
      const body = { EventGroupId: 1, EventType: 102, CallbackTs: atMs, EventInfo: { RoomId: key.roomId, EventMsTs: atMs }, Source: "trtc-admin dismissal" };
      const room = { type: 102 as const, ...roomKeyOf(key), userId: "", eventMs: atMs, role: null, reason: null };
      return { sdkAppId, event: { groupId: 1, type: 102, callbackMs: atMs, room }, raw: Buffer.from(JSON.stringify(body)), source: "trtc-admin" };
    });
    for (let i = 0; i < closes.length; i += 500) await this.append(closes.slice(i, i + 500));
  }

  async liveAmong(sdkAppId: number, rooms: RoomKey[]): Promise<RoomKey[]> {
    const live = new Set<string>();
    for (let i = 0; i < rooms.length; i += 500) {
      const chunk = rooms.slice(i, i + 500);
      const match = chunk.map(() => "(room_type = ? AND room_id = ?)").join(" OR ");
      const args = chunk.flatMap((room) => [room.roomIdType, String(room.roomId)]);
      const rows = await this.db.query(`SELECT room_type, room_id FROM rooms WHERE sdk_app_id = ? AND live = 1 AND (${match})`, [sdkAppId, ...args]);
      for (const row of rows) live.add(`${row.room_type}|${row.room_id}`);
    }
    return rooms.filter((room) => live.has(`${room.roomIdType}|${room.roomId}`));
  }

  listRooms(sdkAppId: number, filters: RoomFilters, now = Date.now()): Promise<Room[]> {
    return listRooms(this.db, sdkAppId, filters, now);
  }

  roomPages(sdkAppId: number, filters: RoomFilters, now = Date.now()): AsyncIterable<Room[]> {
    return roomPages(this.db, sdkAppId, filters, now);
  }

  getRoom(sdkAppId: number, key: RoomKey): Promise<Room | undefined> {
    return getRoom(this.db, sdkAppId, key);
  }

  effectsSeen(sdkAppId: number, effects: (RoomKey & { userId?: string })[], sinceMs: number): Promise<boolean[]> {
    return effectsSeen(this.db, sdkAppId, effects, sinceMs);
  }

  roomHistory(sdkAppId: number, key: RoomKey, sinceMs: number): AsyncIterable<RoomHistoryEvent> {
    return roomHistory(this.db, sdkAppId, key, sinceMs);
  }

  addBans(bans: NewBan[], nowMs: number): Promise<Ban[]> {
    return addBans(this.db, bans, nowMs);
  }

  endBans(sdkAppId: number, room: RoomKey | null, userIds: string[], nowMs: number): Promise<Ban[]> {
    return endBans(this.db, sdkAppId, room, userIds, nowMs);
  }

  listBans(sdkAppId: number, options: { all?: boolean }, nowMs = Date.now()): Promise<Ban[]> {
    return listBans(this.db, sdkAppId, Boolean(options.all), nowMs);
  }

  banPages(sdkAppId: number, options: { all?: boolean }, nowMs = Date.now()): AsyncIterable<Ban[]> {
    return banPages(this.db, sdkAppId, Boolean(options.all), nowMs);
  }

  async activeBanFor(sdkAppId: number, room: RoomKey, userId: string, nowMs: number): Promise<Ban | undefined> {
    return (await activeBansFor(this.db, [{ sdkAppId, room, userId }], nowMs))[0];
  }

  activeBansFor(entries: BanQuery[], nowMs: number): Promise<(Ban | undefined)[]> {
    return activeBansFor(this.db, entries, nowMs);
  }

  liveRoomsOf(sdkAppId: number, userIds: string[]): Promise<{ room: RoomKey; userIds: string[] }[]> {
    return liveRoomsOf(this.db, sdkAppId, userIds);
  }

  coverage(sdkAppId: number): Promise<Coverage | null> {
    return readCoverage(this.db, sdkAppId);
  }

  prune(sdkAppId: number, beforeMs: number, options: { dryRun?: boolean } = {}): Promise<PruneCount> {
    return prune(this.db, sdkAppId, beforeMs, Boolean(options.dryRun));
  }

  claimRateSlot(budget: string, rate: number, nowMs: number, leaseUntilMs: number): Promise<{ slot: number } | { retryAtMs: number }> {
    return claimRateSlot(this.db, budget, rate, nowMs, leaseUntilMs);
  }

  freeRateSlot(budget: string, slot: number, freeAtMs: number): Promise<void> {
    return freeRateSlot(this.db, budget, slot, freeAtMs);
  }

  async ping(): Promise<void> {
    await this.db.query("SELECT 1 AS ok");
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
