import type { PlannedRequest } from "./types.js";

export interface ApiCall {
  action: string;
  params: Record<string, unknown>;
}

/** The exact body a planned request is sent as; --debug and the client both use it. */
export function toApiCall(request: PlannedRequest): ApiCall {
  const { action, sdkAppId: SdkAppId, room } = request;
  switch (action) {
    case "RemoveUser":
    case "RemoveUserByStrRoomId":
      return { action, params: { SdkAppId, RoomId: room.id, UserIds: request.userIds } };
    case "DismissRoom":
    case "DismissRoomByStrRoomId":
      return { action, params: { SdkAppId, RoomId: room.id } };
    case "SetUserBlocked":
      return { action, params: { SdkAppId, RoomId: room.id, UserId: request.userIds![0], IsMute: request.isMute } };
    case "SetUserBlockedByStrRoomId":
      // Unlike RemoveUserByStrRoomId, this action names its string room field StrRoomId.
      return { action, params: { SdkAppId, StrRoomId: room.id, UserId: request.userIds![0], IsMute: request.isMute } };
  }
}
