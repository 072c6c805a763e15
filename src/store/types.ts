import type { EventSink, Role } from "../events/types.js";
import type { RoomIdType } from "../plan/types.js";

export interface RoomKey {
  roomIdType: RoomIdType;
  roomId: number | string;
}

export interface RoomMember {
  userId: string;
  role: Role;
  since: string;
}

/** A room as `rooms list` and `rooms show` print it; every time is an event time, ISO 8601 UTC. */
export interface Room {
  sdkAppId: number;
  roomId: number | string;
  roomIdType: RoomIdType;
  live: boolean;
  /** Null for a room only ever seen leaving or closing (its 101/103 was lost or came before the receiver ran). */
  createdAt: string | null;
  lastEventAt: string;
  closedAt: string | null;
  members: RoomMember[];
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
}

export interface InventoryStore extends EventSink {
  /** The store's URL with any password removed, for messages. */
  readonly label: string;
  /** Rooms of one SdkAppId, numeric rooms first by number, then string rooms. `now` is for the age filters. */
  listRooms(sdkAppId: number, filters: RoomFilters, now?: number): Promise<Room[]>;
  getRoom(sdkAppId: number, key: RoomKey): Promise<Room | undefined>;
  /** Records trtc-admin's own dismissals as closes at `atMs`, folded like a 102, so a lost 102 heals. */
  closeRooms(sdkAppId: number, rooms: RoomKey[], atMs: number): Promise<void>;
  /** When the latest event of the SdkAppId was stored (arrival time, for `doctor`), or null. */
  lastReceivedAt(sdkAppId: number): Promise<string | null>;
  close(): Promise<void>;
}
