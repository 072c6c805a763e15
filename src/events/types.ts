import type { RoomKey } from "../plan/types.js";

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

export interface RoomEvent extends RoomKey {
  type: RoomEventType;
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
  /** Set by a receiver with --forward: the store queues a delivery per target if this event is newly stored. */
  forward?: ForwardRequest;
}

/** Where to re-post an event, and the headers (Sign, SdkAppId, Content-Type) as they arrived. */
export interface ForwardRequest {
  targets: string[];
  headers: Record<string, string>;
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
  /** Rooms closed before the cutoff: forgotten, like their events. */
  closedRooms: number;
}

/** What retention needs from a store; InventoryStore provides it. */
export interface EventPruner {
  /** Deletes the SdkAppId's events with an event time before `beforeMs`, and the rooms closed before it; live rooms, members and bans stay as they are. */
  prune(sdkAppId: number, beforeMs: number, options?: { dryRun?: boolean }): Promise<PruneCount>;
}

/** A pending delivery, claimed by one forwarder until its lease ends. */
export interface ClaimedForward {
  id: number;
  target: string;
  headers: Record<string, string>;
  body: Buffer;
  /** When the event was stored: the one-minute give-up counts from here. */
  arrivedMs: number;
  /** Attempts so far, this one included. */
  attempts: number;
}

/** A claimed delivery's fate: gone (delivered or given up), or due again at `nextMs`. */
export type ForwardSettled = { id: number; gone: true } | { id: number; gone: false; nextMs: number };

/** Which deliveries a forwarder claims: `owner`'s, due at `nowMs`, until `nowMs + leaseMs`. */
export interface ForwardClaim {
  owner: string;
  targets: string[];
  nowMs: number;
  limit: number;
  leaseMs: number;
}

/** What the forwarder needs from a store: the deliveries `append` queued with their events. */
export interface ForwardQueue {
  /** In one transaction: writes these outcomes, then claims up to `claim.limit` due deliveries (one more attempt each). */
  settleAndClaim(outcomes: ForwardSettled[], claim: ForwardClaim): Promise<ClaimedForward[]>;
  /** Ends `owner`'s claims: a receiver restarted (after SIGKILL, say) resumes its deliveries without waiting for their leases. */
  release(owner: string): Promise<void>;
  /** Deliveries pending for these targets. */
  count(targets: string[]): Promise<number>;
  /** Drops deliveries to targets other than these that arrived before `beforeMs` (past anyone's give-up); returns how many. */
  dropExpired(exceptTargets: string[], beforeMs: number): Promise<number>;
}
