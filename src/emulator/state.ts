import { EventLog } from "./client-events.js";
import { BLOCKED, type MuteState, type Role, type RoomChange, type RoomKind, type RoomRef, type Seed, type Snapshot } from "./room-types.js";

export { type ClientEvent, EVENT_TRIM, MAX_EVENTS } from "./client-events.js";
export type * from "./room-types.js";

/** Room membership per SdkAppId; numeric and string rooms are separate namespaces. */
interface Member {
  role: Role;
  mute: MuteState;
  /** TRTC's UniqueId: one per stay in the room. */
  uniqueId: number;
}

type Room = Map<string, Member>;
type Rooms = Map<number | string, Room>;

export class RoomStore extends EventLog {
  private apps = new Map<number, { numeric: Rooms; str: Rooms }>();
  private lastUniqueId = 0;
  /** Called for each membership change as it happens (the callback sender and simulated clients listen). */
  onChange?: (change: RoomChange) => void;

  knowsApp(sdkAppId: number): boolean {
    return this.apps.has(sdkAppId);
  }

  /** Adds apps and rooms; a room named again gets exactly the users given, as anchors already present (no changes reported). */
  seed(seed: Seed): void {
    for (const app of seed.apps) {
      const state = this.apps.get(app.sdkAppId) ?? { numeric: new Map(), str: new Map() };
      this.apps.set(app.sdkAppId, state);
      const room = (users: string[]): Room => new Map(users.map((u) => [u, { role: "anchor", mute: 0, uniqueId: this.uniqueId() }]));
      for (const [id, users] of Object.entries(app.rooms ?? {})) if (users.length) state.numeric.set(Number(id), room(users));
      for (const [id, users] of Object.entries(app.strRooms ?? {})) if (users.length) state.str.set(id, room(users));
    }
  }

  override clear(): void {
    this.apps.clear();
    super.clear();
  }

  private uniqueId(): number {
    this.lastUniqueId = Math.max(Date.now(), this.lastUniqueId + 1);
    return this.lastUniqueId;
  }

  private rooms(sdkAppId: number, kind: RoomKind): Rooms {
    const app = this.apps.get(sdkAppId)!;
    return kind === "numeric" ? app.numeric : app.str;
  }

  private roomOf(ref: RoomRef): Room | undefined {
    return this.rooms(ref.sdkAppId, ref.kind).get(ref.roomId);
  }

  /** The room's members in order of entry; none when it is not live. */
  members(ref: RoomRef): string[] {
    return [...(this.roomOf(ref)?.keys() ?? [])];
  }

  roomExists(sdkAppId: number, kind: RoomKind, roomId: number | string): boolean {
    return this.rooms(sdkAppId, kind).has(roomId);
  }

  isMember(ref: RoomRef, userId: string): boolean {
    return this.roomOf(ref)?.has(userId) ?? false;
  }

  /** A user enters, creating the room if it is not live; false when they are already in it. */
  enter(ref: RoomRef, userId: string, role: Role): boolean {
    const rooms = this.rooms(ref.sdkAppId, ref.kind);
    const members = rooms.get(ref.roomId) ?? new Map<string, Member>();
    if (members.has(userId)) return false;
    const member: Member = { role, mute: 0, uniqueId: this.uniqueId() };
    const at = { sdkAppId: ref.sdkAppId, roomId: ref.roomId, roomIdType: ref.kind };
    if (!rooms.has(ref.roomId)) {
      rooms.set(ref.roomId, members);
      this.onChange?.({ type: "created", room: ref, userId, role, uniqueId: member.uniqueId });
    }
    members.set(userId, member);
    this.onChange?.({ type: "entered", room: ref, userId, role, uniqueId: member.uniqueId });
    this.emit({ ...at, userId, event: "onEnterRoom" });
    if (role === "anchor")
      for (const other of members.keys()) if (other !== userId) this.emit({ ...at, userId: other, event: "onRemoteUserEnterRoom", remoteUserId: userId });
    return true;
  }

  /** A user leaves of their own accord; false when they are not in the room. */
  leave(ref: RoomRef, userId: string): boolean {
    if (!this.isMember(ref, userId)) return false;
    this.remove(ref, [userId], 1);
    return true;
  }

  /** Removes the listed users; users not in the room are ignored, as the API does. */
  kick(sdkAppId: number, kind: RoomKind, roomId: number | string, userIds: string[]): void {
    this.remove({ sdkAppId, kind, roomId }, userIds, 3);
  }

  /** Reason 1 left, 3 kicked (client reasons 0 and 1 / 2); a room left empty closes. */
  private remove(ref: RoomRef, userIds: string[], reason: 1 | 3): void {
    const members = this.roomOf(ref)!;
    const at = { sdkAppId: ref.sdkAppId, roomId: ref.roomId, roomIdType: ref.kind };
    for (const userId of userIds) {
      const member = members.get(userId);
      if (!member) continue;
      members.delete(userId);
      this.onChange?.({ type: "left", room: ref, userId, role: member.role, uniqueId: member.uniqueId, reason });
      this.emit({ ...at, userId, event: "onExitRoom", reason: reason === 3 ? 1 : 0 });
      if (member.role === "anchor")
        for (const other of members.keys())
          this.emit({ ...at, userId: other, event: "onRemoteUserLeaveRoom", reason: reason === 3 ? 2 : 0, remoteUserId: userId });
    }
    if (members.size === 0) this.close(ref);
  }

  dismiss(sdkAppId: number, kind: RoomKind, roomId: number | string): void {
    const ref = { sdkAppId, kind, roomId };
    const members = this.roomOf(ref)!;
    this.close(ref);
    for (const userId of members.keys()) this.emit({ sdkAppId, roomId, roomIdType: kind, userId, event: "onExitRoom", reason: 2 });
  }

  private close(ref: RoomRef): void {
    this.rooms(ref.sdkAppId, ref.kind).delete(ref.roomId);
    this.onChange?.({ type: "closed", room: ref });
  }

  /** SetUserBlocked on a member: the user is told of each medium whose state changed. */
  setMute(ref: RoomRef, userId: string, mute: MuteState): void {
    const member = this.roomOf(ref)!.get(userId)!;
    const [before, after] = [BLOCKED[member.mute], BLOCKED[mute]];
    member.mute = mute;
    const at = { sdkAppId: ref.sdkAppId, roomId: ref.roomId, roomIdType: ref.kind, userId, remoteUserId: userId };
    if (before.audio !== after.audio) this.emit({ ...at, event: "onUserAudioAvailable", available: !after.audio });
    if (before.video !== after.video) this.emit({ ...at, event: "onUserVideoAvailable", available: !after.video });
  }

  snapshot(): Snapshot {
    const users = (rooms: Rooms) => Object.fromEntries([...rooms].map(([id, room]) => [String(id), [...room.keys()]]));
    const mutes = (rooms: Rooms) =>
      Object.fromEntries(
        [...rooms]
          .map(([id, room]) => [String(id), Object.fromEntries([...room].filter(([, m]) => m.mute !== 0).map(([u, m]) => [u, m.mute]))] as const)
          .filter(([, muted]) => Object.keys(muted).length > 0),
      );
    return {
      apps: [...this.apps].map(([sdkAppId, app]) => ({
        sdkAppId,
        rooms: users(app.numeric),
        strRooms: users(app.str),
        mutes: { rooms: mutes(app.numeric), strRooms: mutes(app.str) },
      })),
    };
  }
}
