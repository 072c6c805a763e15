import { isNumericRoomId, isRoomActionRegion, isStringRoomId, isUserIdList, MAX_NUMERIC_ROOM_ID, MAX_USER_IDS_PER_REQUEST } from "./rules.js";
import type { RoomKind, RoomStore } from "./state.js";

/** The four room actions and what each takes. */
export const ACTIONS: Record<string, { room: RoomKind; users: boolean }> = {
  RemoveUser: { room: "numeric", users: true },
  RemoveUserByStrRoomId: { room: "string", users: true },
  DismissRoom: { room: "numeric", users: false },
  DismissRoomByStrRoomId: { room: "string", users: false },
};


export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function check(ok: boolean, code: string, message: string): void {
  if (!ok) throw new ApiError(code, message);
}

export function checkRegion(region: string | undefined): void {
  check(region !== undefined && region !== "", "MissingParameter.Region", "The X-TC-Region header is required.");
  check(isRoomActionRegion(region), "UnsupportedRegion", `The region ${region} is not supported by this action.`);
}

/** Validates one action's parameters as the service does, then applies it to the store. */
export function applyAction(store: RoomStore, action: string, params: Record<string, unknown>): void {
  const spec = ACTIONS[action]!;
  const allowed = spec.users ? ["SdkAppId", "RoomId", "UserIds"] : ["SdkAppId", "RoomId"];
  for (const key of Object.keys(params)) check(allowed.includes(key), "UnknownParameter", `The parameter ${key} is not recognized.`);

  const { SdkAppId: appId, RoomId: roomId, UserIds: userIds } = params;
  check(appId !== undefined && appId !== null, "MissingParameter.SdkAppId", "The SdkAppId parameter is missing.");
  check(Number.isSafeInteger(appId) && (appId as number) > 0, "InvalidParameter.SdkAppId", "SdkAppId must be a positive integer.");
  const sdkAppId = appId as number;
  check(store.knowsApp(sdkAppId), "UnauthorizedOperation.SdkAppId", `No permission to operate SdkAppId ${sdkAppId}.`);

  check(roomId !== undefined && roomId !== null, "MissingParameter.RoomId", "The RoomId parameter is missing.");
  if (spec.room === "numeric") {
    check(Number.isInteger(roomId), "InvalidParameter.RoomId", `${action} takes an integer RoomId; use the ByStrRoomId action for string rooms.`);
    check(isNumericRoomId(roomId), "InvalidParameterValue.RoomId", `RoomId must be in 1..${MAX_NUMERIC_ROOM_ID}.`);
  } else {
    check(typeof roomId === "string", "InvalidParameter.RoomId", `${action} takes a string RoomId.`);
    check(isStringRoomId(roomId), "InvalidParameterValue.RoomId", "RoomId must be 1..64 bytes of the allowed characters.");
  }

  if (spec.users) {
    check(userIds !== undefined && userIds !== null, "MissingParameter.UserIds", "The UserIds parameter is missing.");
    check(Array.isArray(userIds) && userIds.length > 0 && userIds.length <= MAX_USER_IDS_PER_REQUEST, "InvalidParameter.UserIds", `UserIds must list 1..${MAX_USER_IDS_PER_REQUEST} user ids.`);
    check(isUserIdList(userIds), "InvalidParameter.UserIds", "Each UserId must be 1..32 bytes of letters, digits, _ and -.");
  }

  const room = roomId as number | string;
  check(store.roomExists(sdkAppId, spec.room, room), "FailedOperation.RoomNotExist", "The room does not exist.");
  if (spec.users) store.kick(sdkAppId, spec.room, room, userIds as string[]);
  else store.dismiss(sdkAppId, spec.room, room);
}
