import type { RoomKind } from "./room-types.js";

/** What a TRTC client SDK in the room would be told, logged and printed one line each. */

/** The event log keeps the latest MAX_EVENTS to MAX_EVENTS + EVENT_TRIM events, dropping the oldest in blocks. */
export const MAX_EVENTS = 100_000;
export const EVENT_TRIM = 10_000;

/**
 * onEnterRoom / onExitRoom(reason: 0 left, 1 kicked, 2 dismissed) reach the user themself;
 * onRemoteUserEnterRoom / onRemoteUserLeaveRoom(remoteUserId, reason: 0 left, 2 kicked) reach the
 * others, for anchors only, as TRTC does. onUserAudioAvailable / onUserVideoAvailable(userId,
 * available) reach a muted or unmuted user: TRTC does not document SetUserBlocked's client
 * effect, so this is the emulator's own simulation.
 */
export type ClientEventName =
  | "onEnterRoom"
  | "onExitRoom"
  | "onRemoteUserEnterRoom"
  | "onRemoteUserLeaveRoom"
  | "onUserAudioAvailable"
  | "onUserVideoAvailable";

export interface ClientEvent {
  seq: number;
  time: string;
  sdkAppId: number;
  roomId: number | string;
  roomIdType: RoomKind;
  userId: string;
  event: ClientEventName;
  reason?: number;
  remoteUserId?: string;
  available?: boolean;
}

export type ClientEventInput = Omit<ClientEvent, "seq" | "time">;

export class EventLog {
  private seq = 0;
  readonly events: ClientEvent[] = [];
  onEvent?: (event: ClientEvent) => void;

  emit(base: ClientEventInput): void {
    const event: ClientEvent = { seq: ++this.seq, time: new Date().toISOString(), ...base };
    this.events.push(event);
    // A kick in a big room emits one event per member: trim in blocks so a full log costs no per-event copy.
    if (this.events.length > MAX_EVENTS + EVENT_TRIM) this.events.splice(0, EVENT_TRIM);
    this.onEvent?.(event);
  }

  clear(): void {
    this.events.length = 0;
    this.seq = 0;
  }
}
