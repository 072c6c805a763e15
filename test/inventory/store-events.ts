import type { FoldEvent } from "../../src/events/fold.js";
import { parseCallback } from "../../src/events/parse.js";
import type { IncomingEvent } from "../../src/events/types.js";
import { APP, callbackBody } from "./helpers.js";

const ROLE_CODE = { anchor: 20, audience: 21 } as const;

/** A fold event of a room as the signed callback TRTC would send, ready for store.append. */
export function incoming(room: number | string, e: FoldEvent, sdkAppId = APP): IncomingEvent {
  const raw = callbackBody({ type: e.type, room, ms: e.eventMs, ...(e.userId ? { user: e.userId } : {}), ...(e.role ? { role: ROLE_CODE[e.role] } : {}) });
  return { sdkAppId, event: parseCallback(raw), raw, source: "trtc" };
}

export function event(
  type: FoldEvent["type"],
  room: number | string,
  eventMs: number,
  userId = "",
  role: FoldEvent["role"] = type === 103 || type === 105 ? "anchor" : null,
): IncomingEvent {
  return incoming(room, { type, userId, eventMs, role });
}
