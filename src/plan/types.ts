export type RoomIdType = "numeric" | "string";
export type RoomIdMode = RoomIdType | "auto";

export type RemoveAction = "RemoveUser" | "RemoveUserByStrRoomId";
export type DismissAction = "DismissRoom" | "DismissRoomByStrRoomId";
export type MuteAction = "SetUserBlocked" | "SetUserBlockedByStrRoomId";
export type RoomAction = RemoveAction | DismissAction | MuteAction;
export type OperationKind = "kick" | "dismiss" | "mute";

/** SetUserBlocked's IsMute: 0 unmute, 1 audio and video, 2 audio only, 3 video only. */
export type IsMute = 0 | 1 | 2 | 3;

export interface Room {
  id: number | string;
  type: RoomIdType;
}

/** One API request the run will make. */
export interface PlannedRequest {
  action: RoomAction;
  sdkAppId: number;
  room: Room;
  /** Kicks: at most 10 ids; mutes: exactly one. */
  userIds?: string[];
  /** Mutes only. */
  isMute?: IsMute;
}

export type Status = "done" | "already-gone" | "failed" | "planned" | "not-started";

export interface ResultError {
  code: string;
  message: string;
  requestId: string | null;
}

/** The one record per request that every renderer and --json share. */
export interface Result {
  action: RoomAction;
  sdkAppId: number;
  roomId: number | string;
  roomIdType: RoomIdType;
  userIds?: string[];
  isMute?: IsMute;
  status: Status;
  requestId: string | null;
  attempts: number;
  error?: ResultError;
  /** Set when a later attempt found the room gone after an earlier attempt may have applied. */
  note?: ResultError;
  /** With --wait: whether the inventory showed the request's effect (TRTC's 104 Reason 3, or 102) in time. */
  verified?: boolean;
}

export interface Summary {
  total: number;
  done: number;
  alreadyGone: number;
  failed: number;
  planned: number;
  notStarted: number;
  /** With --wait: done requests whose effect the inventory did not show in time. */
  unverified?: number;
}

export function actionFor(kind: OperationKind, type: RoomIdType): RoomAction {
  if (kind === "kick") return type === "numeric" ? "RemoveUser" : "RemoveUserByStrRoomId";
  if (kind === "mute") return type === "numeric" ? "SetUserBlocked" : "SetUserBlockedByStrRoomId";
  return type === "numeric" ? "DismissRoom" : "DismissRoomByStrRoomId";
}

export function emptySummary(): Summary {
  return { total: 0, done: 0, alreadyGone: 0, failed: 0, planned: 0, notStarted: 0 };
}

const summaryKey: Record<Status, Exclude<keyof Summary, "total">> = {
  done: "done",
  "already-gone": "alreadyGone",
  failed: "failed",
  planned: "planned",
  "not-started": "notStarted",
};

export function countResult(summary: Summary, result: Result): void {
  summary.total++;
  summary[summaryKey[result.status]]++;
  if (result.verified === false) summary.unverified = (summary.unverified ?? 0) + 1;
}

/** The fields every Result of a request shares, whatever became of it. */
export function baseResult(request: PlannedRequest): Omit<Result, "status" | "requestId" | "attempts"> {
  const result: Omit<Result, "status" | "requestId" | "attempts"> = {
    action: request.action,
    sdkAppId: request.sdkAppId,
    roomId: request.room.id,
    roomIdType: request.room.type,
  };
  if (request.userIds) result.userIds = request.userIds;
  if (request.isMute !== undefined) result.isMute = request.isMute;
  return result;
}

export function plannedResult(request: PlannedRequest): Result {
  return { ...baseResult(request), status: "planned", requestId: null, attempts: 0 };
}
