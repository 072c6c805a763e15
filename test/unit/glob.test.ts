import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { compileGlob, MAX_GLOB_CHARS } from "../../src/store/glob.js";

describe("compileGlob", () => {
  it.each([
    ["ci-*", "ci-7-a", true],
    ["ci-*", "xci-7", false],
    ["*", "", true],
    ["?", "", false],
    ["?", "😀", true],
    ["a?c", "abc", true],
    ["a?c", "ac", false],
    ["*b", "aab", true],
    ["*b", "aba", false],
    ["a*b*c", "a-b-x-c", true],
    ["a*b*c", "a-c-b", false],
    ["[a-c]1", "b1", true],
    ["[a-c]1", "d1", false],
    ["[!a-c]1", "d1", true],
    ["[^a-c]1", "a1", false],
    ["[]x]", "]", true],
    ["[a-]", "-", true],
    ["[x", "[x", true],
    ["1.3", "123", false],
    ["(a)", "(a)", true],
    ["a/b", "a/b", true],
  ])("%j on %j: %s", (glob, text, expected) => {
    expect(compileGlob(glob)(text)).toBe(expected);
  });

  it("a pattern that makes a regular expression backtrack is matched at once (not past 60 s)", () => {
    const match = compileGlob("*a".repeat(100));
    const started = performance.now();
    expect(compileGlob("*a*a*a*a*a*a*a*a*b")("a".repeat(64))).toBe(false);
    expect(match("a".repeat(10_000))).toBe(true);
    expect(match(`${"a".repeat(99)}b`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it(`over ${MAX_GLOB_CHARS} characters, or an inverted range, is a usage error`, () => {
    expect(() => compileGlob("*".repeat(MAX_GLOB_CHARS))).not.toThrow();
    expect(() => compileGlob("a".repeat(50_000))).toThrow(UsageError);
    expect(() => compileGlob("a".repeat(MAX_GLOB_CHARS + 1))).toThrow(/at most 256/);
    expect(() => compileGlob("[z-a]")).toThrow(/out of order/);
  });
});
