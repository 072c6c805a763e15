import { createHmac } from "node:crypto";
import type { RoomChange, RoomRef } from "./room-types.js";

/** TRTC room callbacks: their bodies, signatures and timestamps, written from TRTC's callback documentation. */

const EVENT_TYPE = { created: 101, closed: 102, entered: 103, left: 104 } as const;
const ROLE = { anchor: 20, audience: 21 } as const;
/** The documentation's sample values: an iOS terminal on the native SDK. */
const TERMINAL_TYPE = 3;
const USER_TYPE = 3;

/** Sign = base64(HMAC-SHA256(callback key, the body's bytes as sent)). */
export function signCallback(key: string, body: string | Buffer): string {
  return createHmac("sha256", key).update(body).digest("base64");
}

/** The callback console accepts keys of up to 32 letters and digits. */
export function isCallbackKey(key: string): boolean {
  return /^[A-Za-z0-9]{1,32}$/.test(key);
}

export const eventType = (change: RoomChange): number => EVENT_TYPE[change.type];

export const roomKey = (room: RoomRef): string => `${room.sdkAppId}/${room.kind}/${room.roomId}`;

/** EventInfo as TRTC fills it: RoomId keeps the room's own JSON type; a 102 names no user. */
export function eventInfo(change: RoomChange, eventMsTs: number): Record<string, unknown> {
  const info: Record<string, unknown> = { RoomId: change.room.roomId, EventTs: Math.floor(eventMsTs / 1000), EventMsTs: eventMsTs };
  if (change.type === "closed") return info;
  Object.assign(info, { UserId: change.userId, UniqueId: change.uniqueId, Role: ROLE[change.role], TerminalType: TERMINAL_TYPE, UserType: USER_TYPE });
  if (change.type === "entered") info.Reason = 1;
  if (change.type === "left") info.Reason = change.reason;
  return info;
}

/** The body: tab-indented like TRTC's own, so a verifier that re-serialises before checking fails. */
export function callbackBody(eventType: number, info: Record<string, unknown>, callbackTs: number): string {
  return JSON.stringify({ EventGroupId: 1, EventType: eventType, CallbackTs: callbackTs, EventInfo: info }, null, "\t");
}

/**
 * Event times from the emulator's clock, strictly increasing per room so that events of one room
 * never tie, even within one millisecond.
 */
export class RoomClock {
  private last = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  next(room: RoomRef): number {
    const key = roomKey(room);
    const ms = Math.max(this.now(), (this.last.get(key) ?? 0) + 1);
    this.last.set(key, ms);
    // Only rooms touched within the current millisecond can need a bump; forget the rest now and then.
    if (this.last.size > 10_000) for (const [k, v] of this.last) if (v < ms - 1000) this.last.delete(k);
    return ms;
  }
}
