import type { PlannedRequest } from "./types.js";

export interface ApiCall {
  action: string;
  params: Record<string, unknown>;
}

/** The exact body a planned request is sent as; --debug and the client both use it. */
export function toApiCall(request: PlannedRequest): ApiCall {
  const { sdkAppId: SdkAppId, room } = request;
  switch (request.action) {
    case "RemoveUser":
    case "RemoveUserByStrRoomId":
      return { action: request.action, params: { SdkAppId, RoomId: room.roomId, UserIds: request.userIds } };
    case "DismissRoom":
    case "DismissRoomByStrRoomId":
      return { action: request.action, params: { SdkAppId, RoomId: room.roomId } };
    case "SetUserBlocked":
      return { action: request.action, params: { SdkAppId, RoomId: room.roomId, UserId: request.userIds[0], IsMute: request.isMute } };
    case "SetUserBlockedByStrRoomId":
      // Unlike RemoveUserByStrRoomId, this action names its string room field StrRoomId.
      return { action: request.action, params: { SdkAppId, StrRoomId: room.roomId, UserId: request.userIds[0], IsMute: request.isMute } };
  }
}
