/** Room membership per SdkAppId; numeric and string rooms are separate namespaces. */

export type RoomKind = "numeric" | "string";

/** The event log keeps the latest MAX_EVENTS to MAX_EVENTS + EVENT_TRIM events, dropping the oldest in blocks. */
export const MAX_EVENTS = 100_000;
export const EVENT_TRIM = 10_000;

export interface ClientEvent {
  seq: number;
  time: string;
  sdkAppId: number;
  roomId: number | string;
  roomIdType: RoomKind;
  userId: string;
  /** onExitRoom(1) kicked, onExitRoom(2) room dismissed, onRemoteUserLeaveRoom(remoteUserId, 2) saw a user kicked. */
  event: "onExitRoom" | "onRemoteUserLeaveRoom";
  reason: number;
  remoteUserId?: string;
}

export interface AppSeed {
  sdkAppId: number;
  rooms?: Record<string, string[]>;
  strRooms?: Record<string, string[]>;
}

export interface Seed {
  apps: AppSeed[];
}

interface App {
  numeric: Map<number, Set<string>>;
  str: Map<string, Set<string>>;
}

export class RoomStore {
  private apps = new Map<number, App>();
  private seq = 0;
  readonly events: ClientEvent[] = [];
  /** Called for each event as it happens (the emulator command prints them live). */
  onEvent?: (event: ClientEvent) => void;

  knowsApp(sdkAppId: number): boolean {
    return this.apps.has(sdkAppId);
  }

  /** Adds apps and rooms; a room named again gets exactly the users given. */
  seed(seed: Seed): void {
    for (const app of seed.apps) {
      const state = this.apps.get(app.sdkAppId) ?? { numeric: new Map(), str: new Map() };
      this.apps.set(app.sdkAppId, state);
      for (const [id, users] of Object.entries(app.rooms ?? {})) if (users.length) state.numeric.set(Number(id), new Set(users));
      for (const [id, users] of Object.entries(app.strRooms ?? {})) if (users.length) state.str.set(id, new Set(users));
    }
  }

  clear(): void {
    this.apps.clear();
    this.events.length = 0;
    this.seq = 0;
  }

  private rooms(sdkAppId: number, kind: RoomKind): Map<number | string, Set<string>> {
    const app = this.apps.get(sdkAppId)!;
    return (kind === "numeric" ? app.numeric : app.str) as Map<number | string, Set<string>>;
  }

  private emit(base: Omit<ClientEvent, "seq" | "time">): void {
    const event: ClientEvent = { seq: ++this.seq, time: new Date().toISOString(), ...base };
    this.events.push(event);
    // A kick in a big room emits one event per member: trim in blocks so a full log costs no per-event copy.
    if (this.events.length > MAX_EVENTS + EVENT_TRIM) this.events.splice(0, EVENT_TRIM);
    this.onEvent?.(event);
  }

  roomExists(sdkAppId: number, kind: RoomKind, roomId: number | string): boolean {
    return this.rooms(sdkAppId, kind).has(roomId);
  }

  /** Removes the listed users; users not in the room are ignored, as the API does. A room left empty closes. */
  kick(sdkAppId: number, kind: RoomKind, roomId: number | string, userIds: string[]): void {
    const rooms = this.rooms(sdkAppId, kind);
    const members = rooms.get(roomId)!;
    const room = { sdkAppId, roomId, roomIdType: kind };
    for (const userId of userIds) {
      if (!members.delete(userId)) continue;
      this.emit({ ...room, userId, event: "onExitRoom", reason: 1 });
      for (const other of members) this.emit({ ...room, userId: other, event: "onRemoteUserLeaveRoom", reason: 2, remoteUserId: userId });
    }
    if (members.size === 0) rooms.delete(roomId);
  }

  dismiss(sdkAppId: number, kind: RoomKind, roomId: number | string): void {
    const rooms = this.rooms(sdkAppId, kind);
    const members = rooms.get(roomId)!;
    rooms.delete(roomId);
    for (const userId of members) this.emit({ sdkAppId, roomId, roomIdType: kind, userId, event: "onExitRoom", reason: 2 });
  }

  snapshot(): Seed {
    const toObject = (rooms: Map<number | string, Set<string>>) => Object.fromEntries([...rooms].map(([id, users]) => [String(id), [...users]]));
    return {
      apps: [...this.apps].map(([sdkAppId, app]) => ({
        sdkAppId,
        rooms: toObject(app.numeric as Map<number | string, Set<string>>),
        strRooms: toObject(app.str as Map<number | string, Set<string>>),
      })),
    };
  }
}
