import { ApiError, check } from "./api-error.js";
import { checkMute } from "./api-mute.js";
import type { RoomKind } from "./room-types.js";
import { isNumericRoomId, isRoomActionRegion, isStringRoomId, isUserIdList, MAX_NUMERIC_ROOM_ID, MAX_USER_IDS_PER_REQUEST } from "./rules.js";
import type { RoomStore } from "./state.js";

export { ApiError };

/** The room actions: the kind of room each takes, and its parameters (the room's first). */
export const ACTIONS: Record<string, { room: RoomKind; params: string[] }> = {
  RemoveUser: { room: "numeric", params: ["RoomId", "UserIds"] },
  RemoveUserByStrRoomId: { room: "string", params: ["RoomId", "UserIds"] },
  DismissRoom: { room: "numeric", params: ["RoomId"] },
  DismissRoomByStrRoomId: { room: "string", params: ["RoomId"] },
  // Documented for the international site only; the string form names its room StrRoomId.
  SetUserBlocked: { room: "numeric", params: ["RoomId", "UserId", "IsMute"] },
  SetUserBlockedByStrRoomId: { room: "string", params: ["StrRoomId", "UserId", "IsMute"] },
};

/** The room a request names, as sent (for the request log and fault matching). */
export function roomParam(action: string, params: Record<string, unknown>): unknown {
  return params[ACTIONS[action]!.params[0]!];
}

export function checkRegion(region: string | undefined): void {
  check(region !== undefined && region !== "", "MissingParameter.Region", "The X-TC-Region header is required.");
  check(isRoomActionRegion(region), "UnsupportedRegion", `The region ${region} is not supported by this action.`);
}

/** Validates one action's parameters as the service does, then applies it to the store. */
export function applyAction(store: RoomStore, action: string, params: Record<string, unknown>): void {
  const spec = ACTIONS[action]!;
  const allowed = ["SdkAppId", ...spec.params];
  for (const key of Object.keys(params)) check(allowed.includes(key), "UnknownParameter", `The parameter ${key} is not recognized.`);

  const { SdkAppId: appId, UserIds: userIds } = params;
  check(appId !== undefined && appId !== null, "MissingParameter.SdkAppId", "The SdkAppId parameter is missing.");
  check(Number.isSafeInteger(appId) && (appId as number) > 0, "InvalidParameter.SdkAppId", "SdkAppId must be a positive integer.");
  const sdkAppId = appId as number;
  check(store.knowsApp(sdkAppId), "UnauthorizedOperation.SdkAppId", `No permission to operate SdkAppId ${sdkAppId}.`);

  const name = spec.params[0]!;
  const roomId = params[name];
  check(roomId !== undefined && roomId !== null, "MissingParameter.RoomId", `The ${name} parameter is missing.`);
  if (spec.room === "numeric") {
    check(Number.isInteger(roomId), "InvalidParameter.RoomId", `${action} takes an integer ${name}; use the ByStrRoomId action for string rooms.`);
    check(isNumericRoomId(roomId), "InvalidParameterValue.RoomId", `${name} must be in 1..${MAX_NUMERIC_ROOM_ID}.`);
  } else {
    check(typeof roomId === "string", "InvalidParameter.RoomId", `${action} takes a string ${name}.`);
    // SetUserBlockedByStrRoomId documents no InvalidParameterValue.RoomId.
    check(
      isStringRoomId(roomId),
      name === "StrRoomId" ? "InvalidParameter.RoomId" : "InvalidParameterValue.RoomId",
      `${name} must be 1..64 bytes of the allowed characters.`,
    );
  }

  if (spec.params.includes("UserIds")) {
    check(userIds !== undefined && userIds !== null, "MissingParameter.UserIds", "The UserIds parameter is missing.");
    check(
      Array.isArray(userIds) && userIds.length > 0 && userIds.length <= MAX_USER_IDS_PER_REQUEST,
      "InvalidParameter.UserIds",
      `UserIds must list 1..${MAX_USER_IDS_PER_REQUEST} user ids.`,
    );
    check(isUserIdList(userIds), "InvalidParameter.UserIds", "Each UserId must be 1..32 bytes of letters, digits, _ and -.");
  }
  const mute = spec.params.includes("IsMute") ? checkMute(params) : undefined;

  const ref = { sdkAppId, kind: spec.room, roomId: roomId as number | string };
  check(store.roomExists(sdkAppId, spec.room, ref.roomId), "FailedOperation.RoomNotExist", "The room does not exist.");
  if (mute) {
    check(store.isMember(ref, mute.userId), "FailedOperation.UserNotExist", "The user is not in the room.");
    store.setMute(ref, mute.userId, mute.isMute);
  } else if (userIds !== undefined) store.kick(sdkAppId, spec.room, ref.roomId, userIds as string[]);
  else store.dismiss(sdkAppId, spec.room, ref.roomId);
}
