import { UsageError } from "../errors.js";
import type { RoomIdMode, RoomKey } from "./types.js";

export const MAX_NUMERIC_ROOM = 4294967294;
export const MAX_STR_ROOM_BYTES = 64;
export const MAX_USER_ID_BYTES = 32;

/** A room as messages name it ("numeric room 123", 'string room "123"'); the terminal escapes what it prints. */
export const roomName = (key: RoomKey) => `${key.roomIdType} room ${key.roomIdType === "string" ? JSON.stringify(key.roomId) : String(key.roomId)}`;

const STR_ROOM_PUNCTUATION = " !#$%&()+-:;<=.>?@[]^_{}|~,";
const CANONICAL_DECIMAL = /^[1-9][0-9]*$|^0$/;
const ALNUM = /[A-Za-z0-9]/;

const STR_ROOM_RULE = `string room ids are 1..${MAX_STR_ROOM_BYTES} bytes of ASCII letters, digits, space and ${STR_ROOM_PUNCTUATION.trim().split("").join(" ")}`;
const NUMERIC_ROOM_RULE = `numeric room ids are decimal integers 1..${MAX_NUMERIC_ROOM} with no sign, leading zero or exponent`;
const USER_ID_RULE = `user ids are 1..${MAX_USER_ID_BYTES} bytes of ASCII letters, digits, "_" and "-"`;

function firstBadChar(value: string, allowed: (ch: string) => boolean): string | undefined {
  for (const ch of value) if (!allowed(ch)) return ch;
  return undefined;
}

function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const printable = cp > 0x20 && cp !== 0x7f;
  return printable ? `"${ch}"` : `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

function checkText(value: string, what: string, maxBytes: number, allowed: (ch: string) => boolean, rule: string): void {
  if (value.length === 0) throw new UsageError(`invalid ${what} "": it is empty; ${rule}`);
  const bad = firstBadChar(value, allowed);
  if (bad !== undefined) throw new UsageError(`invalid ${what} "${value}": character ${describeChar(bad)} is not allowed; ${rule}`);
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > maxBytes) throw new UsageError(`invalid ${what} "${value}": it is ${bytes} bytes; ${rule}`);
}

export function validateStringRoom(value: string): string {
  checkText(value, "string room id", MAX_STR_ROOM_BYTES, (ch) => ALNUM.test(ch) || STR_ROOM_PUNCTUATION.includes(ch), STR_ROOM_RULE);
  return value;
}

export function validateNumericRoom(value: string): number {
  if (!CANONICAL_DECIMAL.test(value))
    throw new UsageError(`invalid numeric room id "${value}": ${NUMERIC_ROOM_RULE}`, "pass --str-room if this is a string room");
  const n = Number(value);
  if (n < 1 || n > MAX_NUMERIC_ROOM) throw new UsageError(`invalid numeric room id "${value}": out of range; ${NUMERIC_ROOM_RULE}`);
  return n;
}

export function validateUserId(value: string): string {
  checkText(value, "user id", MAX_USER_ID_BYTES, (ch) => ALNUM.test(ch) || ch === "_" || ch === "-", USER_ID_RULE);
  return value;
}

/**
 * Types a room id. An explicit mode wins; in auto mode only a canonical decimal
 * is numeric, so "0123" stays a string room rather than silently becoming 123.
 */
export function parseRoom(value: string, mode: RoomIdMode): RoomKey {
  if (mode === "string") return { roomId: validateStringRoom(value), roomIdType: "string" };
  if (mode === "numeric" || CANONICAL_DECIMAL.test(value)) return { roomId: validateNumericRoom(value), roomIdType: "numeric" };
  return { roomId: validateStringRoom(value), roomIdType: "string" };
}
