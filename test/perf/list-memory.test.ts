import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { IncomingEvent } from "../../src/events/types.js";
import { openStore } from "../../src/store/open.js";
import { BIN, baseEnv } from "../helpers/cli.js";
import { APP, STORES, tempDir } from "../inventory/helpers.js";

const SMALL = 100_000;
const LARGE = 300_000;
/**
 * V8 lets a longer run's heap grow a little before it collects (100,000 rooms peak at about 110 MB,
 * 300,000 at 130); a listing held in memory grows by far more (about 1.5 KB a room).
 */
const SLACK_MB = 30;
/** The bound for 300,000 rooms. */
const LARGE_MAX_MB = 150;

/** Adds live rooms, one member each, half numeric and half string. */
async function addRooms(url: string, from: number, to: number): Promise<void> {
  const store = await openStore(url);
  const t0 = Date.UTC(2026, 10, 20);
  for (let i = from; i < to; i += 5000) {
    const batch: IncomingEvent[] = [];
    for (let r = i; r < Math.min(i + 5000, to); r++) {
      const numeric = r % 2 === 1;
      const room = { type: 103 as const, roomId: numeric ? r + 1 : `ci-${r}`, roomIdType: numeric ? ("numeric" as const) : ("string" as const) };
      const entry = { ...room, userId: `u${r}`, eventMs: t0 + r, role: "anchor" as const, reason: null };
      batch.push({ sdkAppId: APP, event: { groupId: 1, type: 103, callbackMs: t0 + r, room: entry }, raw: Buffer.from("{}"), source: "trtc" });
    }
    await store.append(batch);
  }
  await store.close();
}

/**
 * The peak RSS of `rooms list` as its own process, reported by the process itself as it exits, and its
 * line count. Its stdout is a file, as in `> rooms.ndjson`: writes to a file never wait, so the listing
 * never yields to the event loop unless it means to (a pipe's backpressure would hide that).
 */
async function listPeak(url: string, format: string, preload: string, dir: string): Promise<{ mb: number; lines: number; code: number | null }> {
  const env = baseEnv({ TRTC_SDK_APP_ID: String(APP), TRTC_INVENTORY: url });
  const outPath = join(dir, `rooms.${format}`);
  const out = openSync(outPath, "w");
  const child = spawn(process.execPath, ["--require", preload, BIN, "rooms", "list", "--output", format], { env, stdio: ["ignore", out, "pipe"] });
  closeSync(out);
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const lines = readFileSync(outPath, "utf8").split("\n").length - 1;
  rmSync(outPath);
  const kb = Number(/peakKB=(\d+)/.exec(stderr)?.[1]);
  return { mb: kb / 1024, lines, code };
}

describe.skipIf(process.platform !== "linux")("streamed lists (embedded store)", () => {
  it(`rooms list's peak memory does not grow with the rooms: ${LARGE.toLocaleString("en")} rooms within ${SLACK_MB} MB of ${SMALL.toLocaleString("en")} and at most ${LARGE_MAX_MB} MB, in every format, written to a file`, async () => {
    const dir = tempDir();
    const preload = join(dir, "report-rss.cjs");
    // VmHWM, the peak of this process image: getrusage's maxRSS would include this (large) test process, which the child was forked from.
    const report = 'const hwm = /VmHWM:\\s+(\\d+)/.exec(require("node:fs").readFileSync("/proc/self/status", "utf8"))[1];';
    writeFileSync(preload, `process.on("exit", () => { ${report} process.stderr.write("peakKB=" + hwm + "\\n"); });\n`);
    const { url, cleanup } = await STORES[0]!.fresh();
    await addRooms(url, 0, SMALL);
    const small: Record<string, number> = {};
    for (const format of ["ndjson", "json", "pretty"]) small[format] = (await listPeak(url, format, preload, dir)).mb;
    await addRooms(url, SMALL, LARGE);
    for (const format of ["ndjson", "json", "pretty"]) {
      const large = await listPeak(url, format, preload, dir);
      console.log(`rooms list --output ${format}: peak RSS ${small[format]!.toFixed(0)} MB at ${SMALL} rooms, ${large.mb.toFixed(0)} MB at ${LARGE}`);
      expect(large.code, format).toBe(0);
      // Every room printed: ndjson a line each and a summary; json a line each inside the document; pretty a line each, the head, count and coverage.
      expect(large.lines, format).toBe(LARGE + { ndjson: 1, json: 7, pretty: 3 }[format]!);
      expect(large.mb - small[format]!, format).toBeLessThan(SLACK_MB);
      expect(large.mb, format).toBeLessThanOrEqual(LARGE_MAX_MB);
    }
    await cleanup();
  }, 600_000);
});
