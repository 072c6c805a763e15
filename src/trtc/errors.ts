export type FailureKind = "api" | "http" | "network" | "timeout" | "malformed";

/** Any failed call: an API error envelope, an HTTP status, a network fault, a timeout or an unreadable body. */
export class TrtcError extends Error {
  // Set, not inferred: the bundles are minified, which renames classes.
  override readonly name = "TrtcError";
  constructor(
    readonly kind: FailureKind,
    readonly code: string,
    message: string,
    readonly requestId: string | null = null,
    readonly httpStatus?: number,
    /** True when no connection was made, so the request cannot have reached TRTC. */
    readonly notSent = false,
  ) {
    super(message);
  }
}

/** Failures before a connection exists: the request was certainly never received. */
export const CONNECT_ERRNOS = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

export const ROOM_NOT_EXIST = "FailedOperation.RoomNotExist";
/** SetUserBlocked's answers for a user who is not in the room; the InternalError one is not transient. */
export const USER_NOT_EXIST = new Set(["FailedOperation.UserNotExist", "InternalError.UserNotExist"]);

const RATE_LIMIT_CODES = new Set(["FailedOperation.RestrictedFrequency", "OperationDenied.FreqOverLimit"]);

export function isRateLimited(err: TrtcError): boolean {
  return err.kind === "api" && (err.code.startsWith("RequestLimitExceeded") || RATE_LIMIT_CODES.has(err.code));
}

/** Exactly the transient failures the contract lists; nothing else is retried. */
export function isTransient(err: TrtcError): boolean {
  switch (err.kind) {
    case "network":
    case "timeout":
    case "malformed":
      return true;
    case "http":
      return (err.httpStatus ?? 0) >= 500;
    case "api":
      return (err.code.startsWith("InternalError") && !USER_NOT_EXIST.has(err.code)) || isRateLimited(err);
  }
}

export function isAuthCode(code: string): boolean {
  return code.startsWith("AuthFailure") || code.startsWith("UnauthorizedOperation");
}
