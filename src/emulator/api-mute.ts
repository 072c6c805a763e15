import { ApiError } from "./api-error.js";
import type { MuteState } from "./room-types.js";
import { isUserId } from "./rules.js";

/** SetUserBlocked*'s own parameters: one UserId (not a list) and IsMute 0..3. */
export function checkMute(params: Record<string, unknown>): { userId: string; isMute: MuteState } {
  const { UserId: userId, IsMute: isMute } = params;
  if (userId === undefined || userId === null) throw new ApiError("MissingParameter.UserId", "The UserId parameter is missing.");
  if (!isUserId(userId)) throw new ApiError("InvalidParameter.UserId", "UserId must be one user id: 1..32 bytes of letters, digits, _ and -.");
  if (isMute === undefined || isMute === null) throw new ApiError("MissingParameter", "The IsMute parameter is missing.");
  if (!(Number.isInteger(isMute) && (isMute as number) >= 0 && (isMute as number) <= 3)) {
    throw new ApiError("InvalidParameter", "IsMute must be 0 (unblock), 1 (audio and video), 2 (audio only) or 3 (video only).");
  }
  return { userId, isMute: isMute as MuteState };
}
