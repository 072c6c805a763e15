import { ControlError } from "./control-http.js";
import { MAX_DELAY_MS } from "./fault-spec.js";
import type { Role, RoomChange, RoomRef } from "./room-types.js";
import { isNumericRoomId, isStringRoomId, isUserId, MAX_NUMERIC_ROOM_ID } from "./rules.js";
import type { RoomStore } from "./state.js";

/** Simulated TRTC clients: POST /_emulator/clients enters and leaves rooms as a client app would. */

export interface ClientRequest {
  room: RoomRef;
  userId: string;
  action: "enter" | "leave";
  role: Role;
  /** enter: after each kick from this room, enter again this many ms later (a client that reconnects). */
  rejoinAfterKickMs?: number;
}

const KEYS = ["sdkAppId", "roomId", "userId", "action", "role", "rejoinAfterKickMs"];

/** Every key known and of its own type; ids follow the API's own rules. */
export function validateClientRequest(body: unknown, store: RoomStore): ClientRequest {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new Error("a client request must be a JSON object");
  const raw = body as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((key) => !KEYS.includes(key));
  if (unknown.length > 0) throw new Error(`unknown client field ${unknown.map((k) => JSON.stringify(k)).join(", ")}; the fields are ${KEYS.join(", ")}`);
  const { sdkAppId, roomId, userId, action, role = "anchor", rejoinAfterKickMs } = raw;
  if (!Number.isSafeInteger(sdkAppId) || (sdkAppId as number) <= 0) throw new Error("sdkAppId must be a positive integer");
  if (!store.knowsApp(sdkAppId as number)) throw new Error(`the emulator does not know SdkAppId ${sdkAppId as number}: seed it first`);
  if (typeof roomId === "number" ? !isNumericRoomId(roomId) : !isStringRoomId(roomId)) {
    throw new Error(`roomId must be a numeric room 1..${MAX_NUMERIC_ROOM_ID} (a JSON number) or a string room of 1..64 allowed characters (a JSON string)`);
  }
  if (!isUserId(userId)) throw new Error("userId must be 1..32 bytes of letters, digits, _ and -");
  if (action !== "enter" && action !== "leave") throw new Error('action must be "enter" or "leave"');
  if (role !== "anchor" && role !== "audience") throw new Error('role must be "anchor" or "audience"');
  if (action === "leave" && (raw.role !== undefined || rejoinAfterKickMs !== undefined)) throw new Error("role and rejoinAfterKickMs apply only to enter");
  if (
    rejoinAfterKickMs !== undefined &&
    !(Number.isSafeInteger(rejoinAfterKickMs) && (rejoinAfterKickMs as number) >= 0 && (rejoinAfterKickMs as number) <= MAX_DELAY_MS)
  ) {
    throw new Error(`rejoinAfterKickMs must be an integer 0..${MAX_DELAY_MS}`);
  }
  const room: RoomRef = { sdkAppId: sdkAppId as number, kind: typeof roomId === "number" ? "numeric" : "string", roomId: roomId as number | string };
  const request: ClientRequest = { room, userId, action, role };
  if (rejoinAfterKickMs !== undefined) request.rejoinAfterKickMs = rejoinAfterKickMs as number;
  return request;
}

const memberKey = (room: RoomRef, userId: string) => JSON.stringify([room.sdkAppId, room.kind, room.roomId, userId]);

export class Clients {
  /** Clients that reconnect after a kick, by member. */
  private rejoining = new Map<string, { ms: number; role: Role }>();
  private timers = new Set<NodeJS.Timeout>();

  constructor(private readonly store: RoomStore) {}

  /** Applies an enter or leave; 409 when the user is already in the room, or not in it. */
  apply(request: ClientRequest): { roomId: number | string; roomIdType: string; members: string[] } {
    const { room, userId } = request;
    const key = memberKey(room, userId);
    if (request.action === "enter") {
      if (!this.store.enter(room, userId, request.role)) throw new ControlError(409, `${userId} is already in the room`);
      if (request.rejoinAfterKickMs === undefined) this.rejoining.delete(key);
      else this.rejoining.set(key, { ms: request.rejoinAfterKickMs, role: request.role });
    } else {
      if (!this.store.leave(room, userId)) throw new ControlError(409, `${userId} is not in the room`);
      this.rejoining.delete(key);
    }
    return { roomId: room.roomId, roomIdType: room.kind, members: this.store.members(room) };
  }

  /** A kicked client that reconnects enters again, unless it is back already. */
  onChange(change: RoomChange): void {
    if (change.type !== "left" || change.reason !== 3) return;
    const rejoin = this.rejoining.get(memberKey(change.room, change.userId));
    if (!rejoin) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.store.knowsApp(change.room.sdkAppId)) this.store.enter(change.room, change.userId, rejoin.role);
    }, rejoin.ms);
    this.timers.add(timer);
  }

  /** Forgets every client and pending re-entry (reset, close). */
  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.rejoining.clear();
  }
}
