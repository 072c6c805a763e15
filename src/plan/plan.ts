import { UsageError } from "../errors.js";
import { parseRoom, validateUserId } from "./ids.js";
import type { InputItem } from "./input.js";
import { Repeats } from "./repeats.js";
import { actionFor, type DismissRequest, type IsMute, type KickRequest, type MuteRequest, type OperationKind, type RoomIdMode, type RoomKey } from "./types.js";

/** The API accepts at most this many user ids per kick. */
export const MAX_USERS_PER_KICK = 10;

function at<T>(item: InputItem, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${item.origin}: ${err.message}`, err.hint);
    throw err;
  }
}

/** Kick requests: user ids validated, de-duplicated in first-seen order, in batches of at most 10. */
export async function* planKick(sdkAppId: number, room: RoomKey, userIds: AsyncIterable<InputItem>, repeats = new Repeats()): AsyncGenerator<KickRequest> {
  const action = actionFor("kick", room.roomIdType);
  let batch: string[] = [];
  repeats.startPass();
  for await (const item of userIds) {
    const id = at(item, () => validateUserId(item.value));
    if (repeats.isRepeat(id)) continue;
    batch.push(id);
    if (batch.length === MAX_USERS_PER_KICK) {
      yield { action, sdkAppId, room, userIds: batch };
      batch = [];
    }
  }
  repeats.endPass();
  if (batch.length > 0) yield { action, sdkAppId, room, userIds: batch };
}

/** Mute or unmute requests: SetUserBlocked takes one user a request, so one per distinct user. */
export async function* planMute(
  sdkAppId: number,
  room: RoomKey,
  userIds: AsyncIterable<InputItem>,
  isMute: IsMute,
  repeats = new Repeats(),
): AsyncGenerator<MuteRequest> {
  const action = actionFor("mute", room.roomIdType);
  repeats.startPass();
  for await (const item of userIds) {
    const id = at(item, () => validateUserId(item.value));
    if (repeats.isRepeat(id)) continue;
    yield { action, sdkAppId, room, userIds: [id], isMute };
  }
  repeats.endPass();
}

/** Dismiss requests: one per distinct room, each typed to pick its action. */
export async function* planDismiss(
  sdkAppId: number,
  rooms: AsyncIterable<InputItem>,
  mode: RoomIdMode,
  repeats = new Repeats(),
): AsyncGenerator<DismissRequest> {
  repeats.startPass();
  for await (const item of rooms) {
    const room = at(item, () => parseRoom(item.value, mode));
    if (repeats.isRepeat(room.roomId)) continue;
    yield { action: actionFor("dismiss", room.roomIdType), sdkAppId, room };
  }
  repeats.endPass();
}

function checkArgument(value: string, origin: string): void {
  if (value !== value.trim()) {
    throw new UsageError(
      `${origin}: ${JSON.stringify(value)} has leading or trailing whitespace`,
      'remove it; a string room keeps its spaces, so " 1234 " would name a different room',
    );
  }
}

/** A room argument valid in some family; its final type waits for the profile's roomIdType. */
function checkRoomArgument(value: string, mode: RoomIdMode | undefined): void {
  if (mode !== undefined) return void parseRoom(value, mode);
  try {
    parseRoom(value, "string");
  } catch {
    parseRoom(value, "auto");
  }
}

/** A room argument (kick's, mute's, `rooms show`'s): no surrounding whitespace, and valid in some family. */
export function checkRoomText(room: string, mode: RoomIdMode | undefined): void {
  checkArgument(room, "room argument");
  at({ value: room, origin: "room argument" }, () => checkRoomArgument(room, mode));
}

/**
 * Checks what the command line alone decides, before any configuration is read, so a bad
 * argument is a usage error (exit 2) even where no config exists.
 */
export function checkArguments(kind: OperationKind, room: string | undefined, items: string[], mode: RoomIdMode | undefined): void {
  if (room !== undefined) checkRoomText(room, mode);
  for (const [i, value] of items.entries()) {
    const item = { value, origin: `argument ${i + 1}` };
    checkArgument(value, item.origin);
    at(item, () => (kind === "dismiss" ? checkRoomArgument(value, mode) : validateUserId(value)));
  }
}
