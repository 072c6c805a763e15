/**
 * What a program passes as rooms and users, checked as the CLI's parser checks its arguments:
 * wrong types are UsageError, never a TypeError or a send of the wrong room.
 */
import { parseSdkAppId } from "../config/resolve.js";
import { UsageError } from "../errors.js";
import { parseRoom, validateNumericRoom } from "../plan/ids.js";
import type { InputItem } from "../plan/input.js";
import { checkArguments, planDismiss, planKick, planMute } from "../plan/plan.js";
import type { IsMute, OperationKind, PlannedRequest, RoomIdMode } from "../plan/types.js";

export interface Target {
  /** kick and mute. */
  room?: string | number;
  /** kick and mute. */
  userIds?: string[];
  /** dismiss. */
  rooms?: (string | number)[];
  /** mute: 0 unmute, 1 audio and video (default), 2 audio only, 3 video only. */
  isMute?: IsMute;
}

const typeName = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value);

/**
 * A room as a program passes it: a string as the CLI reads one, or a number that must be a
 * numeric room id (-1, 1.5, NaN or 1e21 would otherwise become string rooms "-1", "1.5", …).
 */
export function roomText(value: unknown, where: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") {
    validateNumericRoom(String(value));
    return String(value);
  }
  throw new UsageError(`invalid ${where}: a room id must be a string or a number, not ${typeName(value)}`);
}

export function listOf(value: unknown, where: string, each: (v: unknown, at: string) => string): string[] {
  if (!Array.isArray(value)) throw new UsageError(`invalid ${where}: expected an array`);
  return value.map((v, i) => each(v, `${where}[${i}]`));
}

export function userText(value: unknown, where: string): string {
  if (typeof value !== "string") throw new UsageError(`invalid ${where}: a user id must be a string, not ${typeName(value)}`);
  return value;
}

async function* items(values: readonly string[], what: string): AsyncIterable<InputItem> {
  for (const [i, value] of values.entries()) yield { value, origin: `${what}[${i}]` };
}

interface Checked {
  room: string;
  values: string[];
  isMute?: IsMute;
}

function checked(action: OperationKind, target: Target): Checked {
  if (typeof target !== "object" || target === null) throw new UsageError("invalid target: expected an object");
  if (action === "dismiss") return { room: "", values: listOf(target.rooms ?? [], "rooms", roomText) };
  return {
    room: roomText(target.room ?? "", "room"),
    values: listOf(target.userIds ?? [], "userIds", userText),
    ...(target.isMute !== undefined && { isMute: target.isMute }),
  };
}

function requestsFor(action: OperationKind, target: Checked, sdkAppId: number, mode: RoomIdMode): AsyncIterable<PlannedRequest> {
  if (action === "dismiss") return planDismiss(sdkAppId, items(target.values, "rooms"), mode);
  const room = parseRoom(target.room, mode);
  const users = items(target.values, "userIds");
  if (action === "kick") return planKick(sdkAppId, room, users);
  const isMute = target.isMute ?? 1;
  if (![0, 1, 2, 3].includes(isMute)) throw new UsageError(`invalid isMute ${String(isMute)}: expected 0, 1, 2 or 3`);
  return planMute(sdkAppId, room, users, isMute);
}

/** Every request of an action, each id validated first; throws UsageError (exitCode 2) naming the first bad one. */
export async function planTarget(action: OperationKind, given: Target, sdkAppIdGiven: unknown, mode: RoomIdMode): Promise<PlannedRequest[]> {
  if (!["auto", "numeric", "string"].includes(mode)) throw new UsageError(`invalid roomIdType ${JSON.stringify(mode)}: expected auto, numeric or string`);
  const target = checked(action, given);
  checkArguments(action, action === "dismiss" ? undefined : target.room, target.values, mode === "auto" ? undefined : mode);
  // The CLI's own check: a positive safe integer (a negative, a fraction or NaN is refused).
  if (typeof sdkAppIdGiven !== "number" && typeof sdkAppIdGiven !== "string")
    throw new UsageError(`invalid options.sdkAppId: expected a number, not ${typeName(sdkAppIdGiven)}`);
  const sdkAppId = parseSdkAppId(sdkAppIdGiven, "flag", "options.sdkAppId");
  const planned: PlannedRequest[] = [];
  for await (const request of requestsFor(action, target, sdkAppId, mode)) planned.push(request);
  if (planned.length === 0) throw new UsageError(action === "dismiss" ? "no rooms given" : "no user ids given");
  return planned;
}
