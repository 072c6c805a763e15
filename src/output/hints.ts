const ROOM_TYPE_NOTE = 'numeric 123 and string "123" are different rooms (see --str-room / --numeric-room)';

const EXACT: Record<string, string> = {
  "AuthFailure.SignatureFailure": "the signature did not verify: check that the SecretKey belongs to this SecretId",
  "AuthFailure.SecretIdNotFound": "the SecretId is unknown or disabled: check for stray whitespace and that the key is active in the CAM console",
  "AuthFailure.SignatureExpire": "this machine's clock is more than 5 minutes off: sync it (e.g. timedatectl set-ntp true) and retry",
  "AuthFailure.TokenFailure": "the session token is invalid or expired: refresh the temporary credentials",
  "FailedOperation.RoomNotExist": `no such room now: it may be empty or already dismissed, or the id type is wrong; ${ROOM_TYPE_NOTE}. --ignore-missing treats this as already gone`,
  UnsupportedRegion: "TRTC room actions accept --region ap-beijing, ap-guangzhou or ap-singapore",
  "InvalidParameter.SdkAppId": "check the SdkAppId (TRTC console, Applications) in --sdk-app-id or the profile",
  "UnauthorizedOperation.SdkAppId": "these credentials may not manage this SdkAppId: check the profile's sdkAppId and the key's CAM policy",
  RequestTimeout: "no answer in time: check the endpoint and any proxy, or raise --timeout",
  NetworkError: "could not talk to the endpoint: check --endpoint, DNS and HTTPS_PROXY/NO_PROXY",
};

const PREFIXES: Array<[string, string]> = [
  ["RequestLimitExceeded", "TRTC allows 20 requests per second per action: lower --rate or --concurrency"],
  ["AuthFailure", "TRTC rejected the credentials: check the SecretId/SecretKey in use (`trtc-admin doctor`)"],
  ["InvalidParameter.RoomId", ROOM_TYPE_NOTE],
  ["InvalidParameterValue.RoomId", ROOM_TYPE_NOTE],
];

const MUTE: Record<string, string> = {
  InvalidAction: "SetUserBlocked is documented for the international site: try --endpoint trtc.intl.tencentcloudapi.com",
  "FailedOperation.UserNotExist": "the user is not in this room now; --ignore-missing treats this as already gone",
  "InternalError.UserNotExist": "the user is not in this room now; --ignore-missing treats this as already gone",
};

/** A one-line suggestion for the error codes operators meet most; some depend on the action. */
export function hintFor(code: string, action = ""): string | undefined {
  // Named as sent: the string-room form is its own action.
  const forAction = action.startsWith("SetUserBlocked") ? MUTE[code]?.replace("SetUserBlocked", action) : undefined;
  return forAction ?? EXACT[code] ?? PREFIXES.find(([prefix]) => code.startsWith(prefix))?.[1];
}
