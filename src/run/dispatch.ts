import { toApiCall } from "../plan/api-call.js";
import type { PlannedRequest } from "../plan/types.js";
import type { ActionResponse, TrtcClient } from "../trtc/client.js";

/** Sends one planned request as the API call planning made of it. */
export function dispatch(client: TrtcClient, request: PlannedRequest, timeoutMs: number): Promise<ActionResponse> {
  const { action, params } = toApiCall(request);
  return client.request(action, params, timeoutMs);
}
