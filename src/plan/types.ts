export type RoomIdType = "numeric" | "string";
export type RoomIdMode = RoomIdType | "auto";

export type RemoveAction = "RemoveUser" | "RemoveUserByStrRoomId";
export type DismissAction = "DismissRoom" | "DismissRoomByStrRoomId";
export type MuteAction = "SetUserBlocked" | "SetUserBlockedByStrRoomId";
export type RoomAction = RemoveAction | DismissAction | MuteAction;
export type OperationKind = "kick" | "dismiss" | "mute";

/** SetUserBlocked's IsMute: 0 unmute, 1 audio and video, 2 audio only, 3 video only. */
export type IsMute = 0 | 1 | 2 | 3;

/**
 * A room, in the contract's own words (a Result's fields): the one shape from the plan to the
 * store. Requests, Results, callbacks' events and the inventory's rooms all carry it.
 */
export interface RoomKey {
  roomId: number | string;
  roomIdType: RoomIdType;
}

/** Just the room, of something that carries one (an event, a stored room). */
export function roomKeyOf({ roomId, roomIdType }: RoomKey): RoomKey {
  return { roomId, roomIdType };
}

interface RequestTo {
  sdkAppId: number;
  room: RoomKey;
}

export interface KickRequest extends RequestTo {
  action: RemoveAction;
  /** At most 10. */
  userIds: string[];
}

export interface DismissRequest extends RequestTo {
  action: DismissAction;
}

export interface MuteRequest extends RequestTo {
  action: MuteAction;
  /** SetUserBlocked takes one user. */
  userIds: [string];
  isMute: IsMute;
}

/** One API request the run will make: its action says which. */
export type PlannedRequest = KickRequest | DismissRequest | MuteRequest;

export type Status = "done" | "already-gone" | "failed" | "planned" | "not-started";

export interface ResultError {
  code: string;
  message: string;
  requestId: string | null;
}

/** The one record per request that every renderer and --json share. */
export interface Result extends RoomKey {
  action: RoomAction;
  sdkAppId: number;
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

/** A kick the receiver sent for a ban, as it is printed and audited. */
export type EnforcedResult = Result & { cause: "ban-enforced" };

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

const ACTIONS = {
  kick: { numeric: "RemoveUser", string: "RemoveUserByStrRoomId" },
  dismiss: { numeric: "DismissRoom", string: "DismissRoomByStrRoomId" },
  mute: { numeric: "SetUserBlocked", string: "SetUserBlockedByStrRoomId" },
} as const satisfies Record<OperationKind, Record<RoomIdType, RoomAction>>;

type ActionOf<K extends OperationKind> = (typeof ACTIONS)[K][RoomIdType];

export function actionFor<K extends OperationKind>(kind: K, type: RoomIdType): ActionOf<K> {
  return ACTIONS[kind][type] as ActionOf<K>;
}

/** Which operation a request's action is. */
export function kindOf(action: RoomAction): OperationKind {
  return action.startsWith("Remove") ? "kick" : action.startsWith("Dismiss") ? "dismiss" : "mute";
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
    roomId: request.room.roomId,
    roomIdType: request.room.roomIdType,
  };
  if ("userIds" in request) result.userIds = request.userIds;
  if ("isMute" in request) result.isMute = request.isMute;
  return result;
}

export function plannedResult(request: PlannedRequest): Result {
  return { ...baseResult(request), status: "planned", requestId: null, attempts: 0 };
}
