import { UsageError } from "../errors.js";
import { parseRoom, roomName, validateUserId } from "../plan/ids.js";
import type { RoomKey } from "../plan/types.js";

/** A warning names at most this many skipped ids, then counts the rest. */
const NAMED_AT_MOST = 10;

/**
 * Ids read from the inventory are input like any other: those the API would refuse (the receiver
 * stores whatever TRTC reported, room😀 included) are skipped with one warning, never sent, and
 * never block the valid ones.
 */
function keepSendable<T, V>(
  items: T[],
  parse: (item: T) => V,
  describe: (item: T) => string,
  what: { noun: string; id: string },
  warn: (message: string) => void,
): { item: T; value: V }[] {
  const ok: { item: T; value: V }[] = [];
  const skipped: T[] = [];
  for (const item of items) {
    try {
      ok.push({ item, value: parse(item) });
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      skipped.push(item);
    }
  }
  if (skipped.length > 0) {
    const named = skipped.slice(0, NAMED_AT_MOST).map(describe);
    const more = skipped.length > NAMED_AT_MOST ? ` and ${skipped.length - NAMED_AT_MOST} more` : "";
    warn(`skipped ${skipped.length} ${what.noun}${skipped.length === 1 ? "" : "s"} whose ${what.id} the API would refuse: ${named.join(", ")}${more}`);
  }
  return ok;
}

/**
 * The inventory's rooms whose ids the API would accept, typed as the inventory saw them. The
 * receiver stores any id TRTC sends (`room😀`); one the API would refuse is skipped with a
 * warning that names it (the first few) and counts them, never sent and never blocking the rest.
 */
export function sendableRooms<T>(found: T[], keyOf: (item: T) => RoomKey, warn: (message: string) => void): { item: T; room: RoomKey }[] {
  const kept = keepSendable(
    found,
    (item) => {
      const key = keyOf(item);
      return parseRoom(String(key.roomId), key.roomIdType);
    },
    (item) => roomName(keyOf(item)),
    { noun: "room", id: "id" },
    warn,
  );
  return kept.map(({ item, value }) => ({ item, room: value }));
}

/**
 * The user ids the API would accept among the members the inventory shows. The receiver stores
 * any id TRTC sends; one the API would refuse is skipped with a warning naming it, never sent.
 */
export function sendableUsers(userIds: string[], warn: (message: string) => void): string[] {
  return keepSendable(userIds, validateUserId, (id) => JSON.stringify(id), { noun: "member", id: "user id" }, warn).map(({ value }) => value);
}
