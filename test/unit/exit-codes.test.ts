import { describe, expect, it } from "vitest";
import { ConfigError, DomainError, InterruptedError, UsageError } from "../../src/errors.js";
import { doctorExitCode, ExitCode, exitCodeOf, ingestExitCode, reportOf, runExitCode } from "../../src/exit-codes.js";
import { parseRoom } from "../../src/plan/ids.js";
import { emptySummary, type Summary } from "../../src/plan/types.js";

const summary = (counts: Partial<Summary>): Summary => ({ ...emptySummary(), ...counts });
const ended = { authFailed: false, interrupted: false };

describe("exit codes at the edge", () => {
  it("an error's code: usage 2, config 3, interrupted 130, anything else 1", () => {
    expect(exitCodeOf(new UsageError("bad id"))).toBe(2);
    expect(exitCodeOf(new ConfigError("no SdkAppId"))).toBe(3);
    expect(exitCodeOf(new InterruptedError())).toBe(130);
    expect(exitCodeOf(new DomainError("the inventory has never seen room 1", "RoomNotFound"))).toBe(1);
    expect(exitCodeOf(new TypeError("a bug"))).toBe(1);
    expect(exitCodeOf("thrown text")).toBe(1);
  });

  it("a run's code follows the contract's order: 130, then 4, then 1, then 0", () => {
    const failed = summary({ total: 2, done: 1, failed: 1 });
    expect(runExitCode({ summary: failed, authFailed: true, interrupted: true })).toBe(ExitCode.interrupted);
    expect(runExitCode({ summary: failed, authFailed: true, interrupted: false })).toBe(ExitCode.auth);
    expect(runExitCode({ summary: failed, ...ended })).toBe(ExitCode.failed);
    expect(runExitCode({ summary: summary({ total: 1, notStarted: 1 }), ...ended })).toBe(ExitCode.failed);
    expect(runExitCode({ summary: summary({ total: 1, done: 1, unverified: 1 }), ...ended })).toBe(ExitCode.failed);
    expect(runExitCode({ summary: summary({ total: 3, done: 1, alreadyGone: 1, planned: 1 }), ...ended })).toBe(ExitCode.ok);
  });

  it("an audit log that could not be written fails a run that would pass, and changes no other code", () => {
    const done = summary({ total: 1, done: 1 });
    expect(runExitCode({ summary: done, ...ended, auditFailed: true })).toBe(ExitCode.failed);
    expect(runExitCode({ summary: done, authFailed: true, interrupted: false, auditFailed: true })).toBe(ExitCode.auth);
    expect(runExitCode({ summary: done, authFailed: false, interrupted: true, auditFailed: true })).toBe(ExitCode.interrupted);
  });

  it("an ingest: interrupted 130 before a bad line 1, else 0", () => {
    expect(ingestExitCode({ interrupted: true, bad: 2 })).toBe(130);
    expect(ingestExitCode({ interrupted: false, bad: 1 })).toBe(1);
    expect(ingestExitCode({ interrupted: false, bad: 0 })).toBe(0);
  });

  it("doctor's verdict: a failed check 1, rejected credentials 4, none or no SdkAppId 3", () => {
    expect([doctorExitCode("ok"), doctorExitCode("failed"), doctorExitCode("auth"), doctorExitCode("config")]).toEqual([0, 1, 4, 3]);
  });

  it("a library report carries the run's code, ok only at 0", () => {
    const results = [{ status: "done" }] as never[];
    expect(reportOf({ summary: summary({ total: 1, done: 1 }), results, ...ended })).toEqual({
      ok: true,
      exitCode: 0,
      summary: summary({ total: 1, done: 1 }),
      results,
    });
    expect(reportOf({ summary: summary({ total: 1, done: 1 }), results, authFailed: true, interrupted: false })).toMatchObject({ ok: false, exitCode: 4 });
  });

  it("an error a lower layer throws carries no code of its own; the edge's mapping gives err.exitCode", () => {
    const err = (() => {
      try {
        parseRoom("-1", "numeric");
      } catch (e) {
        return e as UsageError;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect(Object.keys(err!)).not.toContain("exitCode");
    expect(err!.exitCode).toBe(2);
    expect(new ConfigError("x").exitCode).toBe(3);
    expect(new InterruptedError().exitCode).toBe(130);
  });
});
