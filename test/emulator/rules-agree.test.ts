/**
 * One table of ids, run through the client's validators (src/plan) and through the emulator
 * (its API handler with SetUserBlocked*, its seed reader and its simulated clients, all using
 * src/emulator/rules.ts). The two are written independently from the API reference; both must give the table's verdict, so a wrong rule
 * on either side fails here instead of passing every end-to-end test.
 */
import { describe, expect, it } from "vitest";
import { ApiError, applyAction, checkRegion } from "../../src/emulator/api.js";
import { validateClientRequest } from "../../src/emulator/clients.js";
import { validateSeed } from "../../src/emulator/seed.js";
import { RoomStore } from "../../src/emulator/state.js";
import { UsageError } from "../../src/errors.js";
import { parseRoom, validateNumericRoom, validateStringRoom, validateUserId } from "../../src/plan/ids.js";
import { MAX_USERS_PER_KICK, planKick } from "../../src/plan/plan.js";
import { REGIONS } from "../../src/trtc/endpoint.js";

const APP = 1400000001;

/** Every character the reference allows in a string room id besides letters and digits. */
const PUNCTUATION = " !#$%&()+-:;<=.>?@[]^_{}|~,";
const ALL_ALLOWED = `abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789${PUNCTUATION}`;
const users = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);

type Row =
  | { kind: "numeric room"; input: number | string; valid: boolean }
  | { kind: "string room"; input: string; valid: boolean }
  | { kind: "user id"; input: string; valid: boolean }
  | { kind: "user list"; input: string[]; valid: boolean }
  | { kind: "region"; input: string; valid: boolean };

const ok = true;
const bad = false;

const TABLE: Row[] = [
  // Numeric rooms: a JSON number on the wire, or the text an operator types / a seed key.
  ...(
    [
      [1, ok],
      [42, ok],
      [4294967294, ok],
      ["4294967294", ok],
      [0, bad],
      [4294967295, bad],
      [-1, bad],
      [1.5, bad],
      [2 ** 53, bad],
      ["0123", bad],
      ["00", bad],
      ["1e3", bad],
      ["+5", bad],
      [" 5", bad],
      ["5 ", bad],
      ["0x10", bad],
      ["١٢", bad],
      ["", bad],
    ] as const
  ).map(([input, valid]) => ({ kind: "numeric room" as const, input, valid })),

  // String rooms: at most 64 bytes of the 89 allowed ASCII characters.
  ...(
    [
      ["standup", ok],
      ["123", ok],
      ["a b", ok],
      ["a".repeat(64), ok],
      ["a".repeat(65), bad],
      [ALL_ALLOWED.slice(0, 64), ok],
      [ALL_ALLOWED.slice(64), ok],
      ...[...PUNCTUATION].map((c) => [`a${c}b`, ok] as const),
      ...["/", '"', "'", "\\", "*", "`", "\t", "\n", "\r", "\0", "\x7f", "é", "中", "ａ", "😀"].map((c) => [`a${c}b`, bad] as const),
      ["é", bad],
      ["", bad],
    ] as const
  ).map(([input, valid]) => ({ kind: "string room" as const, input, valid })),

  // User ids: at most 32 bytes of ASCII letters, digits, _ and -.
  ...(
    [
      ["alice", ok],
      ["User_1-X", ok],
      ["12345", ok],
      ["_", ok],
      ["-", ok],
      ["a".repeat(32), ok],
      ["a".repeat(33), bad],
      ["a.b", bad],
      ["a b", bad],
      ["a@b", bad],
      ["a/b", bad],
      ["a\n", bad],
      ["é", bad],
      ["ü".repeat(10), bad],
      ["", bad],
    ] as const
  ).map(([input, valid]) => ({ kind: "user id" as const, input, valid })),

  // One kick request's user list: 1..10 valid ids.
  ...(
    [
      [users(1), ok],
      [users(10), ok],
      [users(11), bad],
      [[], bad],
      [["alice", "bad id"], bad],
    ] as const
  ).map(([input, valid]) => ({ kind: "user list" as const, input: [...input], valid })),

  // Regions the room actions accept.
  ...(
    [
      ["ap-beijing", ok],
      ["ap-guangzhou", ok],
      ["ap-singapore", ok],
      ["ap-mumbai", bad],
      ["ap-shanghai", bad],
      ["AP-BEIJING", bad],
      ["ap-beijing ", bad],
      ["", bad],
    ] as const
  ).map(([input, valid]) => ({ kind: "region" as const, input, valid })),
];

/** Runs a check that refuses by throwing; the client refuses with a UsageError, the emulator with an ApiError or an Error. */
function accepts(check: () => unknown, refusal: new (...args: never[]) => Error = Error): boolean {
  try {
    check();
    return true;
  } catch (err) {
    if (err instanceof refusal) return false;
    throw err;
  }
}

/** The client's verdicts: its validators, its room parser, and whether it would send the list as one request. */
async function clientVerdicts(row: Row): Promise<boolean[]> {
  switch (row.kind) {
    case "numeric room":
      return [accepts(() => validateNumericRoom(String(row.input)), UsageError), accepts(() => parseRoom(String(row.input), "numeric"), UsageError)];
    case "string room":
      return [accepts(() => validateStringRoom(row.input), UsageError), accepts(() => parseRoom(row.input, "string"), UsageError)];
    case "user id":
      return [accepts(() => validateUserId(row.input), UsageError)];
    case "user list": {
      const items = (async function* () {
        for (const [i, value] of row.input.entries()) yield { value, origin: `argument ${i + 1}` };
      })();
      const batches: string[][] = [];
      try {
        for await (const request of planKick(APP, { roomId: 1, roomIdType: "numeric" }, items)) batches.push(request.userIds!);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        return [false];
      }
      // Sent as one request exactly as given, and within the client's own batch size.
      return [batches.length === 1 && batches[0]!.length === row.input.length && row.input.length <= MAX_USERS_PER_KICK];
    }
    case "region":
      return [REGIONS.includes(row.input)];
  }
}

/** The answer of the emulator's API handler: "valid" means it got past parameter checks (to RoomNotExist or success). */
function apiAccepts(action: string, params: Record<string, unknown>): boolean {
  const store = new RoomStore();
  store.seed({ apps: [{ sdkAppId: APP, rooms: { "1": ["alice"] } }] });
  try {
    applyAction(store, action, { SdkAppId: APP, ...params });
    return true;
  } catch (err) {
    if (err instanceof ApiError && ["FailedOperation.RoomNotExist", "FailedOperation.UserNotExist"].includes(err.code)) return true;
    if (err instanceof ApiError && /^InvalidParameter/.test(err.code)) return false;
    throw err;
  }
}

/** Whether POST /_emulator/clients takes this room and user. */
function clientAccepts(roomId: unknown, userId: unknown): boolean {
  const store = new RoomStore();
  store.seed({ apps: [{ sdkAppId: APP }] });
  return accepts(() => validateClientRequest({ sdkAppId: APP, roomId, userId, action: "enter" }, store));
}

const seedAccepts = (app: Record<string, unknown>) => accepts(() => validateSeed({ apps: [{ sdkAppId: APP, ...app }] }));

function emulatorVerdicts(row: Row): boolean[] {
  switch (row.kind) {
    case "numeric room": {
      const verdicts = [seedAccepts({ rooms: { [String(row.input)]: ["alice"] } })];
      if (typeof row.input === "number") {
        verdicts.push(
          apiAccepts("DismissRoom", { RoomId: row.input }),
          apiAccepts("SetUserBlocked", { RoomId: row.input, UserId: "alice", IsMute: 1 }),
          clientAccepts(row.input, "alice"),
        );
      }
      return verdicts;
    }
    case "string room":
      return [
        apiAccepts("DismissRoomByStrRoomId", { RoomId: row.input }),
        apiAccepts("SetUserBlockedByStrRoomId", { StrRoomId: row.input, UserId: "alice", IsMute: 1 }),
        seedAccepts({ strRooms: { [row.input]: ["alice"] } }),
        clientAccepts(row.input, "alice"),
      ];
    case "user id":
      return [
        apiAccepts("RemoveUser", { RoomId: 1, UserIds: [row.input] }),
        apiAccepts("SetUserBlocked", { RoomId: 1, UserId: row.input, IsMute: 1 }),
        seedAccepts({ rooms: { "1": [row.input] } }),
        clientAccepts(1, row.input),
      ];
    case "user list":
      return [apiAccepts("RemoveUser", { RoomId: 1, UserIds: row.input })];
    case "region":
      return [accepts(() => checkRegion(row.input), ApiError)];
  }
}

describe("the client and the emulator agree with the API reference on every id", () => {
  it.each(TABLE.map((row) => [row.kind, JSON.stringify(row.input).slice(0, 80), row.valid ? "valid" : "invalid", row] as const))(
    "%s %s is %s",
    async (_kind, _shown, _verdict, row) => {
      expect(await clientVerdicts(row), "client").toEqual((await clientVerdicts(row)).map(() => row.valid));
      expect(emulatorVerdicts(row), "emulator").toEqual(emulatorVerdicts(row).map(() => row.valid));
    },
  );

  it("covers all 89 characters of the string room set", () => {
    expect(new Set(ALL_ALLOWED).size).toBe(89);
  });
});
