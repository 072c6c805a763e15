import type { EventPruner, EventSink, ForwardQueue, Role } from "../events/types.js";
import type { RoomIdType, RoomKey } from "../plan/types.js";
import type { RoomHistoryEvent } from "./history.js";

export interface RoomMember {
  userId: string;
  role: Role;
  since: string;
}

/** A room as `rooms list` and `rooms show` print it; every time is an event time, ISO 8601 UTC. */
export interface Room extends RoomKey {
  sdkAppId: number;
  live: boolean;
  /** Null for a room only ever seen leaving or closing (its 101/103 was lost or came before the receiver ran). */
  createdAt: string | null;
  lastEventAt: string;
  closedAt: string | null;
  members: RoomMember[];
}

/**
 * What the inventory can know: arrival times (not event times) of the SdkAppId's first and latest
 * callbacks. Rooms and members from before `since` are unknown to it; `lastEventAt` is kept to the second.
 */
export interface Coverage {
  since: string;
  lastEventAt: string;
}

/** `rooms list`: the rooms page by page as the store reads them, and what the inventory can know. */
export interface RoomListing {
  pages: AsyncIterable<Room[]>;
  coverage: Coverage | null;
  sdkAppId: number;
  /** Live rooms only (the default). */
  live: boolean;
}

/** A room trtc-admin dismissed, and a time no later than the dismissal. */
export interface RoomClose {
  room: RoomKey;
  atMs: number;
}

/** `rooms list` filters; they combine with AND. */
export interface RoomFilters {
  /** Closed rooms too (default: live only). */
  all?: boolean;
  /** Glob on the room id as text: *, ?, [...]. */
  match?: string;
  idleForMs?: number;
  olderThanMs?: number;
  empty?: boolean;
  /** Rooms this user is a member of now (exact user id). */
  member?: string;
}

/** A ban as `bans list` prints it; times ISO 8601 UTC. roomId and roomIdType are null for an all-rooms ban. */
export interface Ban {
  sdkAppId: number;
  roomId: number | string | null;
  roomIdType: RoomIdType | null;
  userId: string;
  reason: string | null;
  createdAt: string;
  until: string;
}

export interface NewBan {
  sdkAppId: number;
  /** Null: every room of the SdkAppId. */
  room: RoomKey | null;
  userId: string;
  reason: string | null;
  untilMs: number;
}

/** Is this user banned from this room? */
export interface BanQuery {
  sdkAppId: number;
  room: RoomKey;
  userId: string;
}

export interface InventoryStore extends EventSink, EventPruner {
  /** The store's URL with any password removed, for messages. */
  readonly label: string;
  /** Pending `--forward` deliveries, queued by `append`. */
  readonly forwards: ForwardQueue;
  /** Rooms of one SdkAppId, numeric rooms first by number, then string rooms. `now` is for the age filters. */
  listRooms(sdkAppId: number, filters: RoomFilters, now?: number): Promise<Room[]>;
  /** listRooms a page at a time, in the same order: what `rooms list` streams, in flat memory. */
  roomPages(sdkAppId: number, filters: RoomFilters, now?: number): AsyncIterable<Room[]>;
  getRoom(sdkAppId: number, key: RoomKey): Promise<Room | undefined>;
  /** Which effects TRTC reported since `sinceMs`: a 104 with Reason 3 for each user given, a 102 for each room without one (`--wait`). */
  effectsSeen(sdkAppId: number, effects: (RoomKey & { userId?: string })[], sinceMs: number): Promise<boolean[]>;
  /** The room's stored events from `sinceMs` (event time), oldest first, as `rooms history` shows them. */
  roomHistory(sdkAppId: number, key: RoomKey, sinceMs: number): AsyncIterable<RoomHistoryEvent>;
  /** Those of these rooms the inventory shows live now. */
  liveAmong(sdkAppId: number, rooms: RoomKey[]): Promise<RoomKey[]>;
  /** Records trtc-admin's own dismissals as closes, each at its `atMs`, folded like a 102, so a lost 102 heals. */
  closeRooms(sdkAppId: number, closes: RoomClose[]): Promise<void>;
  /** When the SdkAppId's first and latest callbacks arrived, or null when none ever did. */
  coverage(sdkAppId: number): Promise<Coverage | null>;
  /** Stores bans made at `nowMs`; a ban of the same user and room replaces the earlier one. */
  addBans(bans: NewBan[], nowMs: number): Promise<Ban[]>;
  /** Ends the users' active bans in `room`, or every ban of theirs when `room` is null; returns those ended. */
  endBans(sdkAppId: number, room: RoomKey | null, userIds: string[], nowMs: number): Promise<Ban[]>;
  listBans(sdkAppId: number, options: { all?: boolean }, nowMs?: number): Promise<Ban[]>;
  /** listBans a page at a time, in the same order. */
  banPages(sdkAppId: number, options: { all?: boolean }, nowMs?: number): AsyncIterable<Ban[]>;
  /** The ban keeping `userId` out of `room` at `nowMs` (that room and type, or all rooms), if any. */
  activeBanFor(sdkAppId: number, room: RoomKey, userId: string, nowMs: number): Promise<Ban | undefined>;
  /** activeBanFor for many entries in one go, in their order. */
  activeBansFor(entries: BanQuery[], nowMs: number): Promise<(Ban | undefined)[]>;
  /** Live rooms the inventory shows these users in. */
  liveRoomsOf(sdkAppId: number, userIds: string[]): Promise<{ room: RoomKey; userIds: string[] }[]>;
  /** Rate slots shared by every process on this store (see run/shared-budget.ts). */
  claimRateSlot(budget: string, rate: number, nowMs: number, leaseUntilMs: number): Promise<{ slot: number } | { retryAtMs: number }>;
  freeRateSlot(budget: string, slot: number, freeAtMs: number): Promise<void>;
  close(): Promise<void>;
}
