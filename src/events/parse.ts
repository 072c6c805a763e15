import { type CallbackEvent, ROOM_EVENT_GROUP, type Role, type RoomEvent, type RoomEventType } from "./types.js";

/** A body that is not a TRTC event; the message says which field is wrong. */
export class BadCallback extends Error {}

const MAX_NUMERIC_ROOM = 4294967294;
const MAX_STR_ROOM_BYTES = 64;
// TRTC's own user ids are at most 32 bytes; a little slack costs nothing and loses no event.
const MAX_USER_ID_BYTES = 128;
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

type Json = Record<string, unknown>;

// Invalid UTF-8 would be read as U+FFFD, merging distinct rooms and users: refused instead.
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
// Times must print as ISO 8601: up to 9999-12-31T23:59:59.999Z.
const MAX_TIME_MS = 253_402_300_799_999;
const isTimeMs = (v: unknown): v is number => isCount(v) && v <= MAX_TIME_MS;

function cleanText(value: unknown, field: string, maxBytes: number): string {
  if (typeof value !== "string" || value.length === 0) throw new BadCallback(`${field} must be a non-empty string`);
  // Text that a store or a terminal could mangle is refused here, once, rather than stored.
  if (CONTROLS.test(value) || LONE_SURROGATE.test(value)) throw new BadCallback(`${field} holds control characters or broken Unicode`);
  if (Buffer.byteLength(value) > maxBytes) throw new BadCallback(`${field} is over ${maxBytes} bytes`);
  return value;
}

function roomOf(info: Json): Pick<RoomEvent, "roomId" | "roomIdType"> {
  const id = info.RoomId;
  if (typeof id === "number") {
    if (!Number.isInteger(id) || id < 1 || id > MAX_NUMERIC_ROOM)
      throw new BadCallback(`EventInfo.RoomId ${id} is not a numeric room (1..${MAX_NUMERIC_ROOM})`);
    return { roomId: id, roomIdType: "numeric" };
  }
  // The JSON type decides: "1234" is the string room, never the numeric one.
  return { roomId: cleanText(id, "EventInfo.RoomId", MAX_STR_ROOM_BYTES), roomIdType: "string" };
}

function roomEvent(type: number, info: Json): RoomEvent {
  if (type < 101 || type > 105) throw new BadCallback(`EventType ${type} is not a room event (101..105)`);
  if (!isTimeMs(info.EventMsTs)) throw new BadCallback("EventInfo.EventMsTs must be a time in ms (a non-negative integer up to year 9999)");
  if (info.EventTs !== undefined && !isCount(info.EventTs)) throw new BadCallback("EventInfo.EventTs must be a non-negative integer (s)");
  // Only what the fold uses is required: a user for 103/104/105, a role for 103/105. A 101's or 102's
  // UserId and a 101/102/104's Role are not needed, so an odd one there loses no event.
  const userId = type === 103 || type === 104 || type === 105 ? cleanText(info.UserId, "EventInfo.UserId", MAX_USER_ID_BYTES) : "";
  const role: Role | null = info.Role === 20 ? "anchor" : info.Role === 21 ? "audience" : null;
  if (role === null && (type === 103 || type === 105)) throw new BadCallback("EventInfo.Role must be 20 (anchor) or 21 (audience)");
  if (info.Reason !== undefined && !isCount(info.Reason)) throw new BadCallback("EventInfo.Reason must be a non-negative integer");
  return { type: type as RoomEventType, ...roomOf(info), userId, eventMs: info.EventMsTs, role, reason: (info.Reason as number | undefined) ?? null };
}

/** Validates a callback body; any event group is accepted, but only group 1 must be a room event. */
export function parseCallback(raw: Buffer): CallbackEvent {
  let text: string;
  try {
    text = STRICT_UTF8.decode(raw);
  } catch {
    throw new BadCallback("body is not valid UTF-8");
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadCallback("body is not JSON");
  }
  if (!isObject(body)) throw new BadCallback("body is not a JSON object");
  const { EventGroupId: groupId, EventType: type, CallbackTs: callbackMs, EventInfo: info } = body;
  if (!isCount(groupId) || groupId === 0) throw new BadCallback("EventGroupId must be a positive integer");
  if (!isCount(type) || type === 0) throw new BadCallback("EventType must be a positive integer");
  if (!isTimeMs(callbackMs)) throw new BadCallback("CallbackTs must be a time in ms (a non-negative integer up to year 9999)");
  if (!isObject(info)) throw new BadCallback("EventInfo must be an object");
  const event: CallbackEvent = { groupId, type, callbackMs };
  if (groupId === ROOM_EVENT_GROUP) event.room = roomEvent(type, info);
  return event;
}
