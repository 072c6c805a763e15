/** The emulator's room model, shared by the store, the API, callbacks and the control API. */

export type RoomKind = "numeric" | "string";
export type Role = "anchor" | "audience";
/** SetUserBlocked's IsMute: 0 nothing blocked, 1 audio and video, 2 audio only, 3 video only. */
export type MuteState = 0 | 1 | 2 | 3;

/** What each MuteState blocks. */
export const BLOCKED: Record<MuteState, { audio: boolean; video: boolean }> = {
  0: { audio: false, video: false },
  1: { audio: true, video: true },
  2: { audio: true, video: false },
  3: { audio: false, video: true },
};

export interface RoomRef {
  sdkAppId: number;
  kind: RoomKind;
  roomId: number | string;
}

/** A change of membership as TRTC's room callbacks report it (101, 103, 104, 102). */
export type RoomChange =
  | { type: "created" | "entered"; room: RoomRef; userId: string; role: Role; uniqueId: number }
  | { type: "left"; room: RoomRef; userId: string; role: Role; uniqueId: number; reason: 1 | 3 }
  | { type: "closed"; room: RoomRef };

export interface AppSeed {
  sdkAppId: number;
  rooms?: Record<string, string[]>;
  strRooms?: Record<string, string[]>;
}

export interface Seed {
  apps: AppSeed[];
}

/** GET /_emulator/state: the seed format, plus each muted member's IsMute (members at 0 are left out). */
export interface Snapshot {
  apps: (AppSeed & { mutes: { rooms: Record<string, Record<string, MuteState>>; strRooms: Record<string, Record<string, MuteState>> } })[];
}
