import type { PlannedRequest } from "../plan/types.js";
import type { ActionResponse, TrtcClient } from "../trtc/client.js";

/** Sends one planned request through the typed client method for its action. */
export function dispatch(client: TrtcClient, request: PlannedRequest, timeoutMs: number): Promise<ActionResponse> {
  const { sdkAppId: SdkAppId, room } = request;
  switch (request.action) {
    case "RemoveUser":
      return client.removeUser({ SdkAppId, RoomId: room.id as number, UserIds: request.userIds! }, timeoutMs);
    case "RemoveUserByStrRoomId":
      return client.removeUserByStrRoomId({ SdkAppId, RoomId: room.id as string, UserIds: request.userIds! }, timeoutMs);
    case "DismissRoom":
      return client.dismissRoom({ SdkAppId, RoomId: room.id as number }, timeoutMs);
    case "DismissRoomByStrRoomId":
      return client.dismissRoomByStrRoomId({ SdkAppId, RoomId: room.id as string }, timeoutMs);
  }
}
