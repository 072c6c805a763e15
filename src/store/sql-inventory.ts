import { createHash } from "node:crypto";
import type { FoldEvent } from "../events/fold.js";
import type { AppendOutcome, IncomingEvent } from "../events/types.js";
import type { Db } from "./db.js";
import { foldInto } from "./room-writer.js";
import { getRoom, listRooms } from "./room-reader.js";
import type { InventoryStore, Room, RoomFilters, RoomKey } from "./types.js";

const INSERT_EVENT = `INSERT INTO events (sdk_app_id, dedupe_key, group_id, event_type, room_type, room_id, user_id, event_ms, role, source, body, received_ms)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sdk_app_id, dedupe_key) DO NOTHING RETURNING id`;

/** Identical room events (type, room, user, EventMsTs) are one event; other groups dedupe on the exact body. */
function dedupeKey(e: IncomingEvent): string {
  const r = e.event.room;
  if (!r) return `g|${createHash("sha256").update(e.raw).digest("hex")}`;
  return `${e.source === "trtc" ? "r" : "a"}|${r.type}|${r.roomIdType}|${r.roomId}|${r.userId}|${r.eventMs}`;
}

interface Pending {
  sdkAppId: number;
  key: RoomKey;
  events: FoldEvent[];
}

/** The inventory over any Db: the event log is appended to, rooms are folded from it in the same transaction. */
export class SqlInventory implements InventoryStore {
  constructor(
    private readonly db: Db,
    readonly label: string,
  ) {}

  append(events: IncomingEvent[]): Promise<AppendOutcome[]> {
    const now = Date.now();
    return this.db.tx(async (q) => {
      const outcomes: AppendOutcome[] = [];
      const rooms = new Map<string, Pending>();
      for (const e of events) {
        const r = e.event.room;
        const args = [e.sdkAppId, dedupeKey(e), e.event.groupId, e.event.type, r?.roomIdType ?? null, r ? String(r.roomId) : null, r?.userId ?? "", r?.eventMs ?? null, r?.role ?? null, e.source, e.raw, now];
        const fresh = (await q(INSERT_EVENT, args)).length > 0;
        outcomes.push(fresh ? "stored" : "duplicate");
        if (!fresh || !r) continue;
        const id = `${e.sdkAppId}:${r.roomIdType}:${r.roomId}`;
        const pending = rooms.get(id) ?? { sdkAppId: e.sdkAppId, key: { roomIdType: r.roomIdType, roomId: r.roomId }, events: [] };
        pending.events.push({ type: r.type, userId: r.userId, eventMs: r.eventMs, role: r.role });
        rooms.set(id, pending);
      }
      await this.db.lockKeys(q, [...rooms.keys()]);
      for (const p of rooms.values()) await foldInto(q, p.sdkAppId, p.key, p.events);
      return outcomes;
    });
  }

  async closeRooms(sdkAppId: number, rooms: RoomKey[], atMs: number): Promise<void> {
    const closes: IncomingEvent[] = rooms.map((key) => {
      const body = { EventGroupId: 1, EventType: 102, CallbackTs: atMs, EventInfo: { RoomId: key.roomId, EventMsTs: atMs }, Source: "trtc-admin dismissal" };
      const room = { type: 102 as const, roomId: key.roomId, roomIdType: key.roomIdType, userId: "", eventMs: atMs, role: null, reason: null };
      return { sdkAppId, event: { groupId: 1, type: 102, callbackMs: atMs, room }, raw: Buffer.from(JSON.stringify(body)), source: "trtc-admin" };
    });
    for (let i = 0; i < closes.length; i += 500) await this.append(closes.slice(i, i + 500));
  }

  listRooms(sdkAppId: number, filters: RoomFilters, now = Date.now()): Promise<Room[]> {
    return listRooms(this.db.query, sdkAppId, filters, now);
  }

  getRoom(sdkAppId: number, key: RoomKey): Promise<Room | undefined> {
    return getRoom(this.db.query, sdkAppId, key);
  }

  async lastReceivedAt(sdkAppId: number): Promise<string | null> {
    const v = (await this.db.query("SELECT received_ms AS v FROM events WHERE sdk_app_id = ? ORDER BY id DESC LIMIT 1", [sdkAppId]))[0]?.v;
    return v === null || v === undefined ? null : new Date(Number(v)).toISOString();
  }

  async ping(): Promise<void> {
    await this.db.query("SELECT 1 AS ok");
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
