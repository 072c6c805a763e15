// Spawned on purpose: signals and a closed stdout need a real process (see test/e2e/bulk.test.ts for the rest).
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.js";
import { ndjson, roomIds, roomsFile, seededRooms } from "../helpers/bulk.js";
import { emulator, emulatorEnv, run } from "../helpers/cli.js";

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function withRooms(n: number, options: Parameters<typeof emulator>[0] = {}): Promise<Emulator> {
  emu = await emulator({ seed: seededRooms(n), ...options });
  return emu;
}

/**
 * SIGINT `afterMs` after the emulator has received `count` API requests, so it lands mid-run
 * however slowly a loaded machine starts the child; gives up if the child exits first.
 */
function interruptWhenReceived(child: ChildProcess, e: Emulator, count: number, afterMs = 0): Promise<void> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (child.exitCode !== null || child.signalCode !== null) return (clearInterval(poll), resolve());
      if (e.requests.length < count) return;
      clearInterval(poll);
      setTimeout(() => (child.kill("SIGINT"), resolve()), afterMs);
    }, 5);
  });
}

/** Whether `signal` sent to the process is still pending (not yet taken by it); undefined where /proc cannot tell. */
function pending(pid: number, signal: NodeJS.Signals): boolean | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const bit = 1n << BigInt(constants.signals[signal] - 1);
    return ["SigPnd", "ShdPnd"].some((field) => (BigInt(`0x${new RegExp(`^${field}:\\s*([0-9a-f]+)$`, "m").exec(status)![1]}`) & bit) !== 0n);
  } catch {
    return undefined;
  }
}

/**
 * Resolves once the child has taken a `signal` sent to it (it is no longer pending), so another sent after
 * is a second delivery. Without /proc, a moment's wait has to do.
 */
function whenTaken(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      const still = child.exitCode === null && child.signalCode === null ? pending(child.pid!, signal) : false;
      if (still === true) return;
      clearInterval(poll);
      setTimeout(resolve, still === undefined ? 400 : 0);
    }, 5);
  });
}

describe("interruption", () => {
  it("SIGINT mid-run: exit 130, every room reported once as done, failed or not-started", async () => {
    const e = await withRooms(100, { latencyMs: 40 });
    const r = await run(["dismiss", "--from-file", roomsFile(roomIds(100)), "--yes", "--output", "ndjson", "--rate", "20"], {
      env: emulatorEnv(e),
      // Past the first second's twenty, with at least three seconds of work left.
      onSpawn: (child) => void interruptWhenReceived(child, e, 25),
    });
    expect(r.code).toBe(130);
    const { results, summary } = ndjson(r.stdout);
    expect(summary.total).toBe(100);
    expect(summary.done + summary.failed + summary.notStarted).toBe(100);
    expect(summary.done).toBeGreaterThan(0);
    expect(summary.notStarted).toBeGreaterThan(0);
    expect(new Set(results.map((x) => x.roomId)).size).toBe(100);
    const sent = new Set(e.requests.map((q) => q.roomId));
    for (const x of results) expect(sent.has(x.roomId)).toBe(x.status !== "not-started");
  });

  it("a request waiting to be retried when SIGINT arrives is failed with its last error, not retried", async () => {
    const e = await withRooms(1);
    e.faults.add({ kind: "error", code: "InternalError", times: 0 });
    const r = await run(["dismiss", "1", "--yes", "--json", "--max-attempts", "10"], {
      env: emulatorEnv(e),
      // Most likely backing off (0-800 ms) by then; if in flight instead, the outcome is the same.
      onSpawn: (child) => void interruptWhenReceived(child, e, 3, 30),
    });
    expect(r.code).toBe(130);
    const result = JSON.parse(r.stdout).results[0];
    expect(result).toMatchObject({ status: "failed", error: { code: "InternalError" } });
    expect(e.requests).toHaveLength(result.attempts);
  });

  it("a second SIGINT exits at once, without waiting for a hung request, and leaves no copy of the input", async () => {
    const e = await withRooms(1);
    e.faults.add({ kind: "hang" });
    const tmp = mkdtempSync(join(tmpdir(), "trtc-tmp-"));
    const started = performance.now();
    const r = await run(["dismiss", "--from-file", roomsFile(["1"]), "--yes", "--timeout", "30"], {
      env: emulatorEnv(e, { TMPDIR: tmp }),
      onSpawn: (child) => {
        // Two deliveries, not one merged pending signal: the second is sent once the first has been taken.
        void interruptWhenReceived(child, e, 1).then(() => whenTaken(child, "SIGINT").then(() => child.kill("SIGINT")));
      },
    });
    expect(r.code).toBe(130);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(e.requests).toHaveLength(1);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("a reader that goes away (| head) stops the run like an interrupt instead of crashing", async () => {
    const e = await withRooms(60);
    const r = await run(["dismiss", "--from-file", roomsFile(roomIds(60)), "--yes", "--output", "ndjson", "--rate", "10"], {
      env: emulatorEnv(e),
      onSpawn: (child) => child.stdout!.once("data", () => child.stdout!.destroy()),
    });
    expect(r.code).toBe(130);
    expect(r.stderr).not.toMatch(/EPIPE|Error:/);
    expect(e.requests.length).toBeLessThan(60);
  });
});
