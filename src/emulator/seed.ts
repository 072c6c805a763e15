import { readFile } from "node:fs/promises";
import { isStringRoomId, isUserId, MAX_NUMERIC_ROOM_ID, numericRoomIdFromText } from "./rules.js";
import type { Seed } from "./state.js";

export const DEFAULT_SDK_APP_ID = 1400000001;

function describe(path: string, err: unknown): Error {
  return new Error(`${path}: ${err instanceof Error ? err.message : String(err)}`);
}

function validateNumericRoom(id: string): void {
  if (numericRoomIdFromText(id) === undefined)
    throw new Error(`invalid numeric room id "${id}": numeric room ids are plain decimal integers 1..${MAX_NUMERIC_ROOM_ID}`);
}

function validateStringRoom(id: string): void {
  if (!isStringRoomId(id))
    throw new Error(
      `invalid string room id "${id}": string room ids are 1..64 bytes of letters, digits, space and ! # $ % & ( ) + - : ; < = . > ? @ [ ] ^ _ { } | ~ ,`,
    );
}

function validateUserId(id: string): void {
  if (!isUserId(id)) throw new Error(`invalid user id "${id}": user ids are 1..32 bytes of letters, digits, _ and -`);
}

function refuseUnknownKeys(where: string, value: object, known: string[]): void {
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new Error(`${where} has unknown key ${unknown.map((k) => JSON.stringify(k)).join(", ")}; the keys are ${known.join(", ")}`);
}

/**
 * Checks a seed document: apps[].sdkAppId, rooms (numeric ids) and strRooms, each mapping to
 * user ids. Every key must be known and every user id a string: YAML would otherwise turn an
 * unquoted 007 into "7" or true into "true".
 */
export function validateSeed(raw: unknown): Seed {
  const doc = raw as { apps?: unknown };
  if (!doc || typeof doc !== "object" || Array.isArray(doc) || !Array.isArray(doc.apps)) throw new Error("seed must have an apps list");
  refuseUnknownKeys("seed", doc, ["apps"]);
  const apps = doc.apps.map((app: unknown, i: number) => {
    const a = app as { sdkAppId?: unknown; rooms?: unknown; strRooms?: unknown };
    const where = `apps[${i}]`;
    if (!a || typeof a !== "object" || Array.isArray(a)) throw new Error(`${where} must be a mapping`);
    refuseUnknownKeys(where, a, ["sdkAppId", "rooms", "strRooms"]);
    if (!Number.isSafeInteger(a.sdkAppId) || (a.sdkAppId as number) <= 0) throw new Error(`${where}.sdkAppId must be a positive integer`);
    const rooms = (key: "rooms" | "strRooms", validateRoom: (id: string) => unknown) => {
      const value = a[key] ?? {};
      if (typeof value !== "object" || Array.isArray(value)) throw new Error(`${where}.${key} must map room ids to user lists`);
      for (const [id, users] of Object.entries(value as Record<string, unknown>)) {
        try {
          validateRoom(id);
          if (!Array.isArray(users)) throw new Error("must be a list of user ids");
          for (const u of users) {
            if (typeof u !== "string") throw new Error(`user id ${JSON.stringify(u)} must be a string (quote it in YAML)`);
            validateUserId(u);
          }
        } catch (err) {
          throw describe(`${where}.${key}.${id}`, err);
        }
      }
      return { ...(value as Record<string, string[]>) };
    };
    return { sdkAppId: a.sdkAppId as number, rooms: rooms("rooms", validateNumericRoom), strRooms: rooms("strRooms", validateStringRoom) };
  });
  return { apps };
}

export async function readSeedFile(path: string): Promise<Seed> {
  const text = await readFile(path, "utf8");
  const { load } = await import("js-yaml");
  try {
    return validateSeed(load(text));
  } catch (err) {
    throw describe(path, err);
  }
}
