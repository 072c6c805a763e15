import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { parseRoom, validateStringRoom, validateUserId } from "../../src/plan/ids.js";

describe("room-id typing", () => {
  it.each([
    ["123", "auto", { roomId: 123, roomIdType: "numeric" }],
    ["abc", "auto", { roomId: "abc", roomIdType: "string" }],
    ["0123", "auto", { roomId: "0123", roomIdType: "string" }],
    ["1e3", "auto", { roomId: "1e3", roomIdType: "string" }],
    ["+5", "auto", { roomId: "+5", roomIdType: "string" }],
    ["123", "string", { roomId: "123", roomIdType: "string" }],
    ["123", "numeric", { roomId: 123, roomIdType: "numeric" }],
    ["1", "numeric", { roomId: 1, roomIdType: "numeric" }],
    ["4294967294", "auto", { roomId: 4294967294, roomIdType: "numeric" }],
  ] as const)("%s in %s mode", (value, mode, expected) => {
    expect(parseRoom(value, mode)).toEqual(expected);
  });

  it.each([
    ["0", "auto"],
    ["0", "numeric"],
    ["4294967295", "auto"],
    ["4294967295", "numeric"],
    ["0123", "numeric"],
    ["1e3", "numeric"],
    ["+5", "numeric"],
    ["abc", "numeric"],
    [" 5", "numeric"],
  ] as const)("refuses %s as a numeric room (%s)", (value, mode) => {
    expect(() => parseRoom(value, mode)).toThrow(UsageError);
    expect(() => parseRoom(value, mode)).toThrow(new RegExp(`"${value.replace("+", "\\+")}"`));
  });
});

describe("string room ids", () => {
  const punctuation = " !#$%&()+-:;<=.>?@[]^_{}|~,";
  it("accepts every allowed character", () => {
    expect(validateStringRoom(`aZ09${punctuation}`)).toBe(`aZ09${punctuation}`);
  });
  it("accepts 64 bytes and refuses 65", () => {
    expect(validateStringRoom("r".repeat(64))).toHaveLength(64);
    expect(() => validateStringRoom("r".repeat(65))).toThrow(/65 bytes/);
  });
  it.each(["", "a/b", "a*b", 'a"b', "a'b", "a\\b", "a`b", "a\tb", "é", "房间", "a\nb"])("refuses %j", (value) => {
    expect(() => validateStringRoom(value)).toThrow(UsageError);
  });
  it("names the offending character", () => {
    expect(() => validateStringRoom("ab/c")).toThrow(/character "\/" is not allowed/);
    expect(() => validateStringRoom("café")).toThrow(/character "é"/);
  });
});

describe("user ids", () => {
  it("accepts letters, digits, _ and - up to 32 bytes", () => {
    expect(validateUserId("a".repeat(32))).toHaveLength(32);
    expect(validateUserId("Bob_the-2nd")).toBe("Bob_the-2nd");
  });
  it.each(["", "a".repeat(33), "bob smith", "bob.smith", "bob@x", "ü", "用户"])("refuses %j", (value) => {
    expect(() => validateUserId(value)).toThrow(/user ids are 1\.\.32 bytes/);
  });
});
