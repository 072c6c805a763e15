import type { RoomIdType } from "../plan/types.js";

/** The room events of EventGroupId 1: created, dismissed, entered, left, role switched. */
export type RoomEventType = 101 | 102 | 103 | 104 | 105;
export const ROOM_EVENT_GROUP = 1;

export type Role = "anchor" | "audience";

/** What a callback body says, once validated. Room fields are set for room events (group 1) only. */
export interface CallbackEvent {
  groupId: number;
  type: number;
  callbackMs: number;
  room?: RoomEvent;
}

export interface RoomEvent {
  type: RoomEventType;
  roomId: number | string;
  roomIdType: RoomIdType;
  /** "" for 102 (and a 101 without one). */
  userId: string;
  eventMs: number;
  role: Role | null;
  reason: number | null;
}

/** One event on its way into the store: the raw body is kept byte for byte. */
export interface IncomingEvent {
  sdkAppId: number;
  event: CallbackEvent;
  raw: Buffer;
  /** "trtc" for callbacks; "trtc-admin" for a close recorded after trtc-admin's own dismissal. */
  source: "trtc" | "trtc-admin";
}

export type AppendOutcome = "stored" | "duplicate";

/** What the receiver needs from a store; InventoryStore provides it. */
export interface EventSink {
  /** Stores every event durably in one transaction and folds the new room events; resolves once committed. */
  append(events: IncomingEvent[]): Promise<AppendOutcome[]>;
  ping(): Promise<void>;
}

/** What a prune of the event log removed (or, dry, would remove). */
export interface PruneCount {
  events: number;
  /** Marks of users who left their room before the cutoff: no member and no ban depends on them. */
  departed: number;
}

/** What retention needs from a store; InventoryStore provides it. */
export interface EventPruner {
  /** Deletes the SdkAppId's events with an event time before `beforeMs`; rooms, members and bans stay as they are. */
  prune(sdkAppId: number, beforeMs: number, options?: { dryRun?: boolean }): Promise<PruneCount>;
}
