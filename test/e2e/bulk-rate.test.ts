import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.js";
import { ndjson, roomIds, roomsFile } from "../helpers/bulk.js";
import { APP, emulator, emulatorEnv, run } from "../helpers/inproc.js";

// A file of its own: at 20/s it takes 12.5 s of waiting, which other files' tests can use meanwhile.
let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

/** The fewest milliseconds spanned by any limit+1 consecutive arrivals; >= 1000 means never more than `limit` in a second. */
function tightestWindow(e: Emulator, limit: number): number {
  const t = e.requests.map((r) => r.t).sort((a, b) => a - b);
  let min = Infinity;
  for (let i = 0; i + limit < t.length; i++) min = Math.min(min, t[i + limit]! - t[i]!);
  return min;
}

describe("bulk dismissal at the API limit", () => {
  it("100 rooms (5 s) with the emulator limiting at 20/s: all done, never more than 20 in any second", async () => {
    const e = (emu = await emulator({ seed: { apps: [{ sdkAppId: APP, rooms: Object.fromEntries(roomIds(100).map((r) => [String(r), [`u${r}`]])) }] } }));
    // In-process, Node's warnings go to this process, not to the run's stderr.
    const warnings: string[] = [];
    const onWarning = (w: Error) => void warnings.push(w.name);
    process.on("warning", onWarning);
    const r = await run(["dismiss", "--from-file", roomsFile(roomIds(100)), "--yes", "--output", "ndjson"], { env: emulatorEnv(e) }).finally(() =>
      process.off("warning", onWarning),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/MaxListenersExceededWarning/);
    expect(warnings).toEqual([]);
    const { results, summary } = ndjson(r.stdout);
    expect(summary).toEqual({ total: 100, done: 100, alreadyGone: 0, failed: 0, planned: 0, notStarted: 0 });
    expect(results.every((x) => x.attempts === 1)).toBe(true);
    expect(new Set(results.map((x) => x.roomId)).size).toBe(100);
    expect(e.requests.filter((q) => q.code === "RequestLimitExceeded")).toHaveLength(0);
    expect(e.requests).toHaveLength(100);
    expect(tightestWindow(e, 20)).toBeGreaterThanOrEqual(1000);
    expect(e.store.snapshot().apps[0]!.rooms).toEqual({});
  }, 60_000);
});
