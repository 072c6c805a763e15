import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY } from "../../src/emulator/server.js";
import { APP, BIN, baseEnv, run } from "../helpers/cli.js";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

function track(child: ChildProcess): ChildProcess {
  children.push(child);
  return child;
}

/** The emulator in its own process, so its clock and event loop are not the test's. */
async function emulatorProcess(rooms: number[], latencyMs: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "trtc-pacing-"));
  const seed = join(dir, "seed.json");
  writeFileSync(seed, JSON.stringify({ apps: [{ sdkAppId: APP, rooms: Object.fromEntries(rooms.map((r) => [String(r), [`u${r}`]])) }] }));
  const child = track(
    spawn(process.execPath, [BIN, "emulator", "--port", "0", "--seed", seed, "--latency", String(latencyMs)], {
      env: baseEnv(),
      stdio: ["ignore", "pipe", "inherit"],
    }),
  );
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`emulator exited ${code}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const url = /listening on (\S+)/.exec(line)?.[1];
      if (url) resolve(url);
    });
  });
}

async function control(url: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(
    `${url}/_emulator/${path}`,
    body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) },
  );
  expect(res.ok).toBe(true);
  return res.json();
}

function tightestWindow(stamps: number[], limit: number): number {
  const t = [...stamps].sort((a, b) => a - b);
  let min = Infinity;
  for (let i = 0; i + limit < t.length; i++) min = Math.min(min, t[i + limit]! - t[i]!);
  return min;
}

describe("pacing against a separate emulator process, with latency and both cores busy", () => {
  it("100 dismissals (5 s) at 20/s: no RequestLimitExceeded, one attempt each, never 21 arrivals in a second", async () => {
    const rooms = Array.from({ length: 100 }, (_, i) => i + 1);
    const url = await emulatorProcess(rooms, 30);
    // Jitter: every seventh room answers 20 to 200 ms later than the rest.
    for (const room of rooms.filter((r) => r % 7 === 0)) await control(url, "faults", { kind: "latency", ms: 20 + (room % 10) * 20, roomId: room });
    for (let i = 0; i < 2; i++) track(spawn(process.execPath, ["-e", "for(;;);"], { stdio: "ignore" }));

    const file = join(mkdtempSync(join(tmpdir(), "trtc-pacing-")), "rooms.txt");
    writeFileSync(file, rooms.join("\n"));
    const env = baseEnv({
      TRTC_ENDPOINT: url,
      TENCENTCLOUD_SECRET_ID: DEFAULT_SECRET_ID,
      TENCENTCLOUD_SECRET_KEY: DEFAULT_SECRET_KEY,
      TRTC_SDK_APP_ID: String(APP),
    });
    const r = await run(["dismiss", "--from-file", file, "--yes", "--output", "ndjson"], { env, onSpawn: track });

    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.at(-1).summary).toEqual({ total: 100, done: 100, alreadyGone: 0, failed: 0, planned: 0, notStarted: 0 });
    expect(lines.slice(0, -1).every((x) => x.attempts === 1)).toBe(true);
    expect(r.code).toBe(0);
    const { requests } = (await control(url, "requests")) as { requests: Array<{ t: number; code: string | null }> };
    expect(requests.filter((q) => q.code === "RequestLimitExceeded")).toHaveLength(0);
    expect(requests).toHaveLength(100);
    expect(
      tightestWindow(
        requests.map((q) => q.t),
        20,
      ),
    ).toBeGreaterThanOrEqual(1000);
  }, 120_000);
});
