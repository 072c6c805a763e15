import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach } from "vitest";
import { DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY } from "../../src/emulator/server.js";
import { APP, BIN, baseEnv, type RunResult, run } from "../helpers/cli.js";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

async function emulatorProcess(dir: string, rooms: number[]): Promise<string> {
  const seed = join(dir, "seed.json");
  writeFileSync(seed, JSON.stringify({ apps: [{ sdkAppId: APP, rooms: Object.fromEntries(rooms.map((r) => [String(r), [`u${r}`]])) }] }));
  const child = spawn(process.execPath, [BIN, "emulator", "--port", "0", "--seed", seed, "--latency", "20"], {
    env: baseEnv(),
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`emulator exited ${code}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const url = /listening on (\S+)/.exec(line)?.[1];
      if (url) resolve(url);
    });
  });
}

/**
 * Three CI jobs at once, each dismissing 30 rooms of one SdkAppId through its own process, sharing an
 * inventory, against an emulator process: the jobs' results and every request the emulator received.
 */
export async function threeJobs(): Promise<{ results: RunResult[]; requests: { t: number; code: string | null }[] }> {
  const dir = mkdtempSync(join(tmpdir(), "trtc-budget-"));
  const jobs = [0, 1, 2].map((j) => Array.from({ length: 30 }, (_, i) => 1 + j * 30 + i));
  const url = await emulatorProcess(dir, jobs.flat());
  const env = baseEnv({
    TRTC_ENDPOINT: url,
    TENCENTCLOUD_SECRET_ID: DEFAULT_SECRET_ID,
    TENCENTCLOUD_SECRET_KEY: DEFAULT_SECRET_KEY,
    TRTC_SDK_APP_ID: String(APP),
    TRTC_INVENTORY: `file:${join(dir, "shared.db")}`,
  });
  const results = await Promise.all(
    jobs.map((rooms, j) => {
      const file = join(dir, `rooms-${j}.txt`);
      writeFileSync(file, rooms.join("\n"));
      return run(["dismiss", "--from-file", file, "--yes", "--output", "ndjson"], { env, onSpawn: (c) => children.push(c) });
    }),
  );
  const { requests } = (await (await fetch(`${url}/_emulator/requests`)).json()) as { requests: { t: number; code: string | null }[] };
  return { results, requests };
}

/** Each job exits 0 with its 30 rooms dismissed at the first attempt. */
export function summaries(results: RunResult[]): { code: number | null; total: number; done: number; firstAttempt: boolean }[] {
  return results.map((r) => {
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const { total, done } = lines.at(-1).summary;
    return { code: r.code, total, done, firstAttempt: lines.slice(0, -1).every((x: { attempts: number }) => x.attempts === 1) };
  });
}
