// Rate budgets per (SdkAppId, action): three CI jobs sharing one inventory, and a mixed numeric and
// string run. The scenario of test/e2e/shared-budget-jobs.ts, against an emulator at its default 20/s.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** Wall ms, exit code and stdout of one CLI process, run beside others. */
function runAsync(bin, args, env) {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ["ignore", "pipe", "ignore"] });
  const out = [];
  child.stdout.on("data", (c) => out.push(c));
  return new Promise((resolve) => child.on("close", (status) => resolve({ ms: performance.now() - started, status, stdout: Buffer.concat(out).toString() })));
}

const summary = (r) => JSON.parse(r.stdout.trim().split("\n").at(-1)).summary;
const requests = async (url) => (await (await fetch(`${url}/_emulator/requests`)).json()).requests;

/** Three parallel `dismiss` processes of 30 rooms each, one inventory file: rejections and total rate. */
export async function benchSharedBudget({ bin, work, startEmulator, record }) {
  const jobs = [0, 1, 2].map((j) => Array.from({ length: 30 }, (_, i) => 1 + j * 30 + i));
  const emu = await startEmulator(["--latency", "20"], { rooms: jobs.flat() });
  const env = { ...emu.env, TRTC_INVENTORY: `file:${join(work, "shared-budget.db")}` };
  const results = await Promise.all(
    jobs.map((rooms, j) => {
      const file = join(work, `job-${j}.txt`);
      writeFileSync(file, `${rooms.join("\n")}\n`);
      return runAsync(bin, ["dismiss", "--from-file", file, "--yes", "--output", "ndjson"], env);
    }),
  );
  const seen = await requests(emu.url);
  emu.stop();
  const done = results.map((r) => `${summary(r).done}/${summary(r).total} exit ${r.status}`).join(", ");
  const t = seen.map((q) => q.t).sort((a, b) => a - b);
  record(
    `3 parallel dismiss processes of 30 rooms, one inventory: RequestLimitExceeded at the emulator (${done})`,
    String(seen.filter((q) => q.code === "RequestLimitExceeded").length),
    "0",
  );
  // As test/perf/shared-budget.test.ts: at exactly 20 in any second, 90 arrivals span 4 s.
  record(
    `3 parallel processes: total rate / 20/s (${seen.length} requests over ${((t.at(-1) - t[0]) / 1000).toFixed(2)} s)`,
    (4000 / (t.at(-1) - t[0])).toFixed(3),
    "≥ 0.8",
  );
}

/** One `dismiss` of 150 numeric and 150 string rooms at the default 20/s per action. */
export async function benchMixedRun({ bin, work, startEmulator, record }) {
  const numeric = Array.from({ length: 150 }, (_, i) => i + 1);
  const strings = Array.from({ length: 150 }, (_, i) => `s${i + 1}`);
  const emu = await startEmulator(["--latency", "20"], { rooms: numeric, strRooms: strings });
  const file = join(work, "mixed.txt");
  writeFileSync(file, `${numeric.map((r, i) => `${r}\n${strings[i]}`).join("\n")}\n`);
  const r = await runAsync(bin, ["dismiss", "--from-file", file, "--yes", "--output", "ndjson"], emu.env);
  const limited = (await requests(emu.url)).filter((q) => q.code === "RequestLimitExceeded").length;
  emu.stop();
  const s = summary(r);
  record(
    `150 numeric + 150 string dismissals, 20 ms latency: wall s (done ${s.done}/${s.total}, exit ${r.status}, ${limited} RequestLimitExceeded; was 14.9 s with one budget)`,
    (r.ms / 1000).toFixed(2),
  );
  record("mixed run: wall / ideal 7.5 s (150 at 20/s per action, both at once)", (r.ms / 7500).toFixed(3), "≤ 1.2");
}
