/**
 * The TRTC API's own rules, as the emulator enforces them, written from the API reference
 * (/work/shared/reference/trtc-api.md §0, §1.2 and §2) and deliberately independent of the
 * client's validators in src/plan: a wrong rule on one side is then caught by the other.
 * test/emulator/rules-agree.test.ts runs one table of ids through both.
 */

/** Numeric RoomId: an integer 1 … 4294967294 (uint32 without 0 and 4294967295). */
export const MIN_NUMERIC_ROOM_ID = 1;
export const MAX_NUMERIC_ROOM_ID = 4_294_967_294;

/** RemoveUser / RemoveUserByStrRoomId take 1 … 10 UserIds. */
export const MAX_USER_IDS_PER_REQUEST = 10;

/** The regions the four room actions accept (international pages; the China pages list a subset). */
export const ROOM_ACTION_REGIONS: readonly string[] = Object.freeze(["ap-beijing", "ap-guangzhou", "ap-singapore"]);

// Every allowed character is ASCII, so counting characters here counts bytes.
// The 89 characters: a-z A-Z 0-9, space, and ! # $ % & ( ) + - : ; < = . > ? @ [ ] ^ _ { } | ~ ,
const STRING_ROOM_ID = /^[a-zA-Z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,]{1,64}$/;
const USER_ID = /^[a-zA-Z0-9_-]{1,32}$/;
/** A numeric room id written as text (a seed file's keys): plain decimal, no sign, no leading zero. */
const NUMERIC_ROOM_ID_TEXT = /^[1-9][0-9]{0,9}$/;

export function isNumericRoomId(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= MIN_NUMERIC_ROOM_ID && value <= MAX_NUMERIC_ROOM_ID;
}

/** The numeric room a text names, or undefined when the text is not one written plainly. */
export function numericRoomIdFromText(text: string): number | undefined {
  if (!NUMERIC_ROOM_ID_TEXT.test(text)) return undefined;
  const value = Number(text);
  return isNumericRoomId(value) ? value : undefined;
}

export function isStringRoomId(value: unknown): value is string {
  return typeof value === "string" && STRING_ROOM_ID.test(value);
}

export function isUserId(value: unknown): value is string {
  return typeof value === "string" && USER_ID.test(value);
}

/** A RemoveUser* UserIds list: 1 … 10 valid user ids. */
export function isUserIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length >= 1 && value.length <= MAX_USER_IDS_PER_REQUEST && value.every(isUserId);
}

export function isRoomActionRegion(value: unknown): value is string {
  return typeof value === "string" && ROOM_ACTION_REGIONS.includes(value);
}

/** Loopback host names and addresses: localhost (and *.localhost), 127.0.0.0/8, ::1. */
export function isLoopback(host: string): boolean {
  const name = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name.replace(/^::ffff:/, ""));
  if (v4) return v4.slice(1).every((octet) => Number(octet) <= 255);
  return name === "::1" || name === "0:0:0:0:0:0:0:1";
}
