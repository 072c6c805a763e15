// npm run bench: measures start-up, emulator throughput and bulk cleanup, and writes docs/bench.md.
// `node scripts/bench.mjs pacing [...]` runs only the named sections and only prints, since a
// partial run would drop the other rows.
// Ratios compare figures taken in the same run, since this machine is shared and noisy.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin/trtc-admin.cjs");
const work = mkdtempSync(join(os.tmpdir(), "trtc-bench-"));
// Its stores and homes take tens of MB: gone with the run, however it ends.
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
const APP = 1400000001;
const CREDS = { TENCENTCLOUD_SECRET_ID: "AKIDtrtcEmulatorTestId0000000000", TENCENTCLOUD_SECRET_KEY: "trtcEmulatorTestSecretKey0000000" };
const quick = process.argv.includes("--quick");
const log = (line) => process.stderr.write(`${line}\n`);
const SECTIONS = ["startup", "emulator", "pacing", "throughput", "shell-loop", "memory", "ban-latency", "lists", "late-fold", "retention", "budgets", "suite"];
const only = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
for (const name of only) {
  if (!SECTIONS.includes(name)) {
    log(`unknown section ${name}: one of ${SECTIONS.join(", ")}`);
    process.exit(2);
  }
}
const wanted = (name) => only.length === 0 || only.includes(name);
let seedCount = 0;

/** An emulator seeded with rooms 1..seed, or with the given numeric and string rooms, one member each. */
async function startEmulator(args, seed = 0) {
  const { rooms: ids = Array.from({ length: seed }, (_, i) => i + 1), strRooms: strIds = [] } = typeof seed === "number" ? {} : seed;
  const seedPath = join(work, `seed-${seedCount++}.json`);
  const members = (list) => Object.fromEntries(list.map((r) => [String(r), [`u${r}`]]));
  writeFileSync(seedPath, JSON.stringify({ apps: [{ sdkAppId: APP, rooms: { ...members(ids), 999999: ["keeper"] }, strRooms: members(strIds) }] }));
  const child = spawn(process.execPath, [bin, "emulator", "--port", "0", "--seed", seedPath, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`emulator exited ${code}`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      const found = /listening on (\S+)/.exec(line)?.[1];
      if (found) resolve(found);
    });
  });
  const env = { ...process.env, ...CREDS, TRTC_ENDPOINT: url, TRTC_SDK_APP_ID: String(APP), NO_COLOR: "1" };
  return { url, env, stop: () => child.kill("SIGINT") };
}

function timeRun(args, env, input) {
  const started = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { env, input, maxBuffer: 1 << 28 });
  return { ms: performance.now() - started, status: r.status, stdout: r.stdout.toString() };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall time of a command, runs interleaved with the baseline so drift hits both alike. */
function medianMs(cmd, args, env, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    spawnSync(cmd, args, { env, stdio: "ignore" });
    times.push(performance.now() - started);
  }
  return median(times);
}

function roomsFile(n) {
  const path = join(work, `rooms-${n}.txt`);
  writeFileSync(path, `${Array.from({ length: n }, (_, i) => String(i + 1)).join("\n")}\n`);
  return path;
}

const figures = [];
const record = (name, value, goal = "") => {
  figures.push({ name, value, goal });
  log(`${name}: ${value}${goal ? ` (goal ${goal})` : ""}`);
};

// 1. Start-up: one kick per process, as shell loops do. Measured in a clean environment (as
// `env -i PATH=... HOME=<new dir>`), and again with this shell's NODE_EXTRA_CA_CERTS, which adds
// its cost to every node start and so flatters every ratio.
if (wanted("startup")) {
  const emu = await startEmulator(["--rate-limit", "0"], 1);
  const runs = quick ? 5 : 21;
  const clean = {
    PATH: process.env.PATH,
    HOME: mkdtempSync(join(work, "home-")),
    ...CREDS,
    TRTC_ENDPOINT: emu.url,
    TRTC_SDK_APP_ID: String(APP),
    NO_COLOR: "1",
  };
  const columns = [["clean", clean]];
  // The bench itself should run in a clean environment too; it is told the file to measure this way.
  const caCerts = process.env.TRTC_BENCH_EXTRA_CA_CERTS || process.env.NODE_EXTRA_CA_CERTS;
  if (caCerts) columns.push(["NODE_EXTRA_CA_CERTS", { ...clean, NODE_EXTRA_CA_CERTS: caCerts }]);
  const cases = {
    base: [process.execPath, ["-e", "0"]],
    version: [process.execPath, [bin, "--version"]],
    help: [process.execPath, [bin, "--help"]],
    dry: [process.execPath, [bin, "kick", "999999", "ghost", "--dry-run"]],
    kick: [process.execPath, [bin, "kick", "999999", "ghost", "--yes"]],
  };
  const ratios = {};
  for (const [name, env] of columns) {
    const rounds = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (let i = 0; i < runs; i++) for (const [k, [cmd, args]] of Object.entries(cases)) rounds[k].push(medianMs(cmd, args, env, 1));
    const base = median(rounds.base);
    ratios[name] = Object.fromEntries(Object.keys(cases).map((k) => [k, median(rounds[k]) / base]));
    ratios[name].baseMs = base;
  }
  const both = (k) =>
    columns.map(([name]) => (name === "clean" ? ratios[name][k].toFixed(2) : `${ratios[name][k].toFixed(2)} with NODE_EXTRA_CA_CERTS`)).join("; ");
  record("node -e 0 (median ms)", columns.map(([name]) => ratios[name].baseMs.toFixed(0)).join("; "));
  record("trtc-admin --version / node -e 0", both("version"), "≤ 1.6");
  record("trtc-admin --help / node -e 0", both("help"), "≤ 2.0");
  record("kick --dry-run / node -e 0", both("dry"), "≤ 2.2");
  record("full kick against the emulator / node -e 0", both("kick"), "≤ 2.5");

  // On a pseudo-terminal the spinner would cost a one-request kick; both runs go through `script`.
  if (spawnSync("script", ["--version"]).status === 0) {
    const line = `${process.execPath} ${bin} kick 999999 ghost --yes`;
    const tty = [];
    const piped = [];
    for (let i = 0; i < runs; i++) {
      tty.push(medianMs("script", ["-qec", line, "/dev/null"], { ...clean, TERM: "xterm" }, 1));
      piped.push(medianMs("script", ["-qec", `${line} | cat`, "/dev/null"], { ...clean, TERM: "xterm" }, 1));
    }
    record("one-request kick on a pseudo-terminal / the same kick piped", (median(tty) / median(piped)).toFixed(2), "≤ 1.1");
  }
  emu.stop();
}

// 2. Emulator throughput: signed requests per second, rate limit off, client in this process.
if (wanted("emulator")) {
  const emu = await startEmulator(["--rate-limit", "0"], 1);
  const { TrtcClient, parseEndpoint } = await import(join(root, "dist/index.js"));
  const client = new TrtcClient({
    endpoint: parseEndpoint(emu.url),
    region: "ap-guangzhou",
    credential: { secretId: CREDS.TENCENTCLOUD_SECRET_ID, secretKey: CREDS.TENCENTCLOUD_SECRET_KEY },
  });
  const total = quick ? 2000 : 10000;
  let next = 0;
  const worker = async () => {
    while (next++ < total) await client.request("RemoveUser", { SdkAppId: APP, RoomId: 999999, UserIds: ["ghost"] }, 10_000);
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: 64 }, worker));
  const seconds = (performance.now() - started) / 1000;
  await client.close();
  record(`emulator: signed requests/s (${total} RemoveUser, 64 in flight, rate limit off)`, (total / seconds).toFixed(0), "≥ 2000");
  emu.stop();
}

// 3. 500 dismissals against the documented 20/s limit with 30 ms latency.
let bulkSeconds;
if (wanted("pacing")) {
  const n = quick ? 100 : 500;
  const emu = await startEmulator(["--rate-limit", "20", "--latency", "30"], n);
  const r = timeRun(["dismiss", "--from-file", roomsFile(n), "--yes", "--output", "ndjson"], emu.env);
  const summary = JSON.parse(r.stdout.trim().split("\n").at(-1)).summary;
  bulkSeconds = r.ms / 1000;
  const ideal = n / 20;
  record(`${n} dismissals at 20/s, 30 ms latency: wall s (done ${summary.done}/${summary.total}, exit ${r.status})`, bulkSeconds.toFixed(2));
  record(`${n} dismissals: wall / ideal ${ideal} s`, (bulkSeconds / ideal).toFixed(3), "≤ 1.05");
  emu.stop();
}

// 4. Throughput with no limits: --rate 0 --concurrency 32 against 30 ms latency.
if (wanted("throughput")) {
  const n = quick ? 500 : 3000;
  const emu = await startEmulator(["--rate-limit", "0", "--latency", "30"], n);
  const r = timeRun(["dismiss", "--from-file", roomsFile(n), "--yes", "--output", "ndjson", "--rate", "0", "--concurrency", "32"], emu.env);
  const rps = n / (r.ms / 1000);
  record(`${n} dismissals, --rate 0 --concurrency 32, 30 ms latency: requests/s (exit ${r.status}, start-up included)`, rps.toFixed(0));
  record("requests/s / ideal 32 / 0.03 s = 1067", (rps / (32 / 0.03)).toFixed(3), "≥ 0.8");
  emu.stop();
}

// 5. The same cleanup as a shell loop, one process per room.
if (wanted("shell-loop")) {
  const n = quick ? 50 : 500;
  const emu = await startEmulator(["--rate-limit", "20", "--latency", "30"], n);
  const script = `for r in $(seq 1 ${n}); do node ${JSON.stringify(bin)} dismiss "$r" --yes --quiet >/dev/null 2>&1; done`;
  const started = performance.now();
  execFileSync("bash", ["-c", script], { env: emu.env });
  const seconds = (performance.now() - started) / 1000;
  record(`shell loop, ${n} rooms one process each: wall s`, seconds.toFixed(2));
  if (n === 500 && bulkSeconds) record("shell loop / bulk --from-file run", (seconds / bulkSeconds).toFixed(2));
  emu.stop();
}

// 6. Peak memory of dry runs streamed from stdin: it must not grow with the input.
if (wanted("memory")) {
  const peakMb = (n, format) => {
    const cmd = `node ${JSON.stringify(bin)} dismiss --from-file - --dry-run --output ${format} < ${roomsFile(n)} > /dev/null`;
    const env = { PATH: process.env.PATH, HOME: work, TRTC_SDK_APP_ID: String(APP) };
    const py = "import resource,subprocess,sys; subprocess.run(['bash','-c',sys.argv[1]]); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";
    return (Number(execFileSync("python3", ["-c", py, cmd], { env }).toString().trim()) / 1024).toFixed(1);
  };
  const small = quick ? 20_000 : 100_000;
  const large = quick ? 100_000 : 1_000_000;
  record(`peak RSS, --dry-run of ${small} rooms from stdin, ndjson: MB`, peakMb(small, "ndjson"), "≤ 150");
  record(`peak RSS, --dry-run of ${large} rooms from stdin, ndjson: MB`, peakMb(large, "ndjson"), "≤ 200");
  record(`peak RSS, --dry-run of ${large} rooms from stdin, --json (streamed): MB`, peakMb(large, "json"), "≤ 250");
}

// 7. Ban enforcement: a client that comes back 100 ms after each kick; the time from its 103 reaching
// `events serve` (through a relay here that notes arrivals) to the RemoveUser reaching the emulator.
if (wanted("ban-latency")) {
  const { createServer, request } = await import("node:http");
  const key = "benchKey";
  const seen = [];
  let target = "";
  const relay = createServer((req, res) => {
    const chunks = [];
    req
      .on("data", (c) => chunks.push(c))
      .on("end", () => {
        const raw = Buffer.concat(chunks);
        const body = JSON.parse(raw.toString());
        seen.push({ at: Date.now(), type: body.EventType, user: body.EventInfo.UserId });
        const headers = { "Content-Type": "application/json", Sign: req.headers.sign, SdkAppId: req.headers.sdkappid };
        request(target, { method: "POST", headers }, (answer) => answer.pipe(res.writeHead(answer.statusCode)))
          .on("error", () => res.writeHead(502).end())
          .end(raw);
      });
  });
  await new Promise((resolve) => relay.listen(0, "127.0.0.1", resolve));
  const emu = await startEmulator(["--callback-url", `http://127.0.0.1:${relay.address().port}/`, "--callback-key", key]);
  const env = { ...emu.env, TRTC_CALLBACK_KEY: key, TRTC_INVENTORY: `file:${join(work, "bans.db")}` };
  const serve = spawn(process.execPath, [bin, "events", "serve", "--port", "0", "--output", "ndjson"], { env, stdio: ["ignore", "ignore", "pipe"] });
  target = await new Promise((resolve) =>
    createInterface({ input: serve.stderr }).on("line", (line) => /on (http:\/\/\S+)/.test(line) && resolve(/on (http:\/\/\S+)/.exec(line)[1])),
  );
  timeRun(["ban", "4321", "troll", "--for", "1h", "--yes", "--ignore-missing"], env);
  const banned = Date.now();
  const clients = (body) =>
    fetch(`${emu.url}/_emulator/clients`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sdkAppId: APP, roomId: 4321, userId: "troll", ...body }),
    });
  await clients({ action: "enter", rejoinAfterKickMs: 100 });
  const n = quick ? 21 : 51;
  let kicks = [];
  while (kicks.length < n) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { requests } = await (await fetch(`${emu.url}/_emulator/requests`)).json();
    kicks = requests.filter((q) => q.action === "RemoveUser" && Date.parse(q.time) >= banned).map((q) => Date.parse(q.time));
  }
  await clients({ action: "enter" });
  const ms = seen
    .filter((e) => e.type === 103 && e.user === "troll" && e.at >= banned)
    .map((e) => kicks.find((k) => k >= e.at) - e.at)
    .filter((d) => d >= 0)
    .slice(0, n)
    .sort((a, b) => a - b);
  record(`ban enforcement: 103 at events serve → RemoveUser at the emulator, median ms of ${ms.length}`, String(median(ms)), "< 100");
  record("ban enforcement: p95 ms", String(ms[Math.ceil(ms.length * 0.95) - 1]));
  serve.kill("SIGTERM");
  await new Promise((resolve) => serve.on("close", resolve));
  emu.stop();
  relay.close();
}

// 9. The receiver as a service: a late callback against a long history, the store under retention.
if (wanted("late-fold") || wanted("retention")) {
  const history = await import("./bench/inventory-history.mjs");
  const { openStore } = await import(join(root, "dist/index.js"));
  const shared = { bin, work, app: APP, openStore, record };
  if (wanted("late-fold")) {
    for (const n of quick ? [20_000] : [100_000, 1_000_000]) await history.benchLateFold({ ...shared, history: n, samples: quick ? 21 : 41 });
  }
  if (wanted("retention")) {
    await history.benchRetention({ ...shared, perDay: quick ? 3000 : 12_000 });
    await history.benchThroughputWhilePruning({ ...shared, old: quick ? 20_000 : 200_000, seconds: quick ? 2 : 4 });
  }
}

// 8. Streamed lists: `rooms list` (its own process) of 100,000, 300,000 and 1,000,000 live rooms, one
// member each, half numeric and half string: peak RSS, which must not grow with the rooms, and wall time.
// At 100,000, against the sqlite3 shell dumping the same rows (rooms joined with members) as JSON,
// interleaved; `bans list` of 100,000 bans likewise against sqlite3 -json of the bans table. Skipped
// with a note when the sqlite3 shell is not installed (Debian: apt-get install sqlite3).
if (wanted("lists")) {
  const { openStore } = await import(join(root, "dist/index.js"));
  const hasSqlite3 = spawnSync("sqlite3", ["-version"]).status === 0;
  const sizes = quick ? [20_000, 100_000] : [100_000, 300_000, 1_000_000];
  const t0 = Date.UTC(2026, 10, 20);
  const py =
    "import resource,subprocess,sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";
  const peakMb = (cmd, env) =>
    (
      Number(
        execFileSync("python3", ["-c", py, cmd[0], ...cmd[1]], { env })
          .toString()
          .trim(),
      ) / 1024
    ).toFixed(1);
  /** Ours against sqlite3 -json, five runs each, interleaved: medians and their ratio. */
  const versus = (what, ours, sqlArgs, env) => {
    if (!hasSqlite3) return record(`${what}, whole process: ms`, medianMs(ours[0], ours[1], env, 1).toFixed(0));
    const [mine, shell] = [[], []];
    for (let i = 0; i < 5; i++) {
      mine.push(medianMs(ours[0], ours[1], env, 1));
      shell.push(medianMs("sqlite3", ["-json", ...sqlArgs], env, 1));
    }
    record(`${what}, whole process: median ms of 5`, median(mine).toFixed(0));
    record(`sqlite3 -json of the same rows: median ms of 5`, median(shell).toFixed(0));
    record(`${what} / sqlite3 -json`, (median(mine) / median(shell)).toFixed(2), "≤ 1.5");
    return median(shell);
  };
  /**
   * Where the listing's time goes, against the sqlite3 shell's: the CLI's start-up and exit (`rooms
   * list` of a one-room inventory, same environment) and the store's read of the same rooms into
   * Room objects (the library's roomPages, in this process), neither writing any JSON.
   */
  const floor = async (path, shellMs, env) => {
    const one = join(work, "list-one.db");
    const store = await openStore(`file:${one}`);
    const room = { type: 103, roomId: "one", roomIdType: "string", userId: "u", eventMs: t0, role: "anchor", reason: null };
    await store.append([{ sdkAppId: APP, event: { groupId: 1, type: 103, callbackMs: t0, room }, raw: Buffer.from("{}"), source: "trtc" }]);
    await store.close();
    execFileSync("sync");
    const startMs = medianMs(process.execPath, [bin, "rooms", "list", "--output", "ndjson"], { ...env, TRTC_INVENTORY: `file:${one}` }, 5);
    rmSync(one, { force: true });
    const reads = [];
    const full = await openStore(`file:${path}`);
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      for await (const _ of full.roomPages(APP, {}));
      reads.push(performance.now() - started);
    }
    await full.close();
    record("rooms list of a one-room inventory (start-up and exit): median ms of 5", startMs.toFixed(0));
    record("the store's read of the 100,000 rooms into Room objects (no output), in-process: median ms of 5", median(reads).toFixed(0));
    record("start-up + the store's read / sqlite3 -json (before any JSON is written)", ((startMs + median(reads)) / shellMs).toFixed(2));
  };
  if (!hasSqlite3) log("sqlite3 not installed: the comparisons with sqlite3 -json are skipped");
  for (const n of sizes) {
    const path = join(work, `list-${n}.db`);
    const store = await openStore(`file:${path}`);
    for (let i = 0; i < n; i += 5000) {
      await store.append(
        Array.from({ length: Math.min(5000, n - i) }, (_, k) => {
          const r = i + k;
          const numeric = r % 2 === 1;
          const room = {
            type: 103,
            roomId: numeric ? r + 1 : `ci-${r}`,
            roomIdType: numeric ? "numeric" : "string",
            userId: `u${r}`,
            eventMs: t0 + r,
            role: "anchor",
            reason: null,
          };
          return { sdkAppId: APP, event: { groupId: 1, type: 103, callbackMs: t0 + r, room }, raw: Buffer.from("{}"), source: "trtc" };
        }),
      );
    }
    if (n === sizes[0]) {
      // Bans of the same users, one a room, all active.
      const bans = Array.from({ length: n }, (_, r) => ({
        sdkAppId: APP,
        room: r % 2 === 1 ? { roomIdType: "numeric", roomId: r + 1 } : { roomIdType: "string", roomId: `ci-${r}` },
        userId: `u${r}`,
        reason: "bench",
        untilMs: Date.UTC(2100, 0, 1),
      }));
      for (let i = 0; i < n; i += 5000) await store.addBans(bans.slice(i, i + 5000), t0 + i);
    }
    await store.close();
    // The store just written is still going to disk: its writeback would be timed with the listing.
    execFileSync("sync");
    const env = { PATH: process.env.PATH, HOME: work, TRTC_SDK_APP_ID: String(APP), TRTC_INVENTORY: `file:${path}`, NO_COLOR: "1" };
    const list = [process.execPath, [bin, "rooms", "list", "--output", "ndjson"]];
    record(`rooms list of ${n} live rooms, ndjson, peak RSS: MB`, peakMb(list, env), "≤ 150");
    if (n === sizes[0]) {
      const sql = `SELECT r.room_type, r.room_id, r.live, r.created_ms, r.last_ms, r.closed_ms, m.user_id, m.role, m.since_ms FROM rooms r
        LEFT JOIN members m ON m.sdk_app_id = r.sdk_app_id AND m.room_type = r.room_type AND m.room_id = r.room_id WHERE r.sdk_app_id = ${APP} AND r.live = 1`;
      const shellMs = versus(`rooms list of ${n} live rooms, ndjson`, list, [path, sql], env);
      if (hasSqlite3 && n === 100_000) await floor(path, shellMs, env);
      const bans = [process.execPath, [bin, "bans", "list", "--output", "ndjson"]];
      const banSql = `SELECT sdk_app_id, room_type, room_id, user_id, reason, created_ms, until_ms FROM bans WHERE sdk_app_id = ${APP} AND until_ms > ${Date.now()}`;
      versus(`bans list of ${n} active bans, ndjson`, bans, [path, banSql], env);
      record(`bans list of ${n} active bans, ndjson, peak RSS: MB`, peakMb(bans, env), "≤ 150");
    } else record(`rooms list of ${n} live rooms, ndjson, whole process: ms`, medianMs(list[0], list[1], env, 1).toFixed(0));
    rmSync(path, { force: true });
  }
}

// 11. Rate budgets per (SdkAppId, action): parallel processes sharing an inventory, a mixed run.
if (wanted("budgets")) {
  const budgets = await import("./bench/budgets.mjs");
  await budgets.benchSharedBudget({ bin, work, startEmulator, record });
  await budgets.benchMixedRun({ bin, work, startEmulator, record });
}

// 12. `npm test` on a fresh clone of HEAD (its npm ci not timed): wall and CPU seconds.
if (wanted("suite")) {
  const { benchSuite } = await import("./bench/suite.mjs");
  benchSuite({ root, work, log, record });
}

if (only.length > 0) {
  log("only some sections ran: docs/bench.md left as it was");
  process.exit(0);
}

// 10. Room inventory: signed callbacks per second into `events serve` (embedded store, each stored
// before its 200).
{
  const { createHmac } = await import("node:crypto");
  const { Agent, request } = await import("node:http");
  const key = "benchKey";
  const env = { ...process.env, TRTC_SDK_APP_ID: String(APP), TRTC_CALLBACK_KEY: key, TRTC_INVENTORY: `file:${join(work, "inventory.db")}`, NO_COLOR: "1" };
  const serve = spawn(process.execPath, [bin, "events", "serve", "--port", "0", "--output", "ndjson"], { env, stdio: ["ignore", "ignore", "pipe"] });
  const url = await new Promise((resolve) =>
    createInterface({ input: serve.stderr }).on("line", (line) => /on (http:\/\/\S+)/.test(line) && resolve(/on (http:\/\/\S+)/.exec(line)[1])),
  );
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const post = (raw) =>
    new Promise((resolve) => {
      const headers = { "Content-Type": "application/json", Sign: createHmac("sha256", key).update(raw).digest("base64"), SdkAppId: String(APP) };
      request(url, { method: "POST", headers, agent }, (res) => res.resume().on("end", () => resolve(res.statusCode)))
        .on("error", () => resolve(0))
        .end(raw);
    });
  const seconds = quick ? 2 : 5;
  const t0 = Date.now();
  let sent = 0;
  let ok = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  const body = (i) =>
    Buffer.from(
      JSON.stringify(
        {
          EventGroupId: 1,
          EventType: 103,
          CallbackTs: t0 + i,
          EventInfo: { RoomId: 1 + (i % 3000), EventTs: Math.floor((t0 + i) / 1000), EventMsTs: t0 + i, UserId: `u${i}`, Role: 20 },
        },
        null,
        "\t",
      ),
    );
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (performance.now() < until) if ((await post(body(sent++))) === 200) ok++;
    }),
  );
  const rate = sent / ((performance.now() - started) / 1000);
  agent.destroy();
  serve.kill("SIGTERM");
  await new Promise((resolve) => serve.on("close", resolve));
  record(`events serve: signed callbacks/s, embedded store, 64 connections (${ok}/${sent} answered 200)`, rate.toFixed(0), "≥ 2000");
}

const cpu = os.cpus()[0]?.model ?? "unknown CPU";
const lines = [
  "# Benchmarks",
  "",
  `Written by \`npm run bench\`${quick ? " --quick" : ""} on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}.`,
  "The machine is shared, so compare ratios taken in one run rather than absolute times across runs.",
  `Run in ${process.env.NODE_EXTRA_CA_CERTS ? "this shell's environment (NODE_EXTRA_CA_CERTS set)" : 'a clean environment: env -i PATH="$PATH" HOME="$(mktemp -d)" TRTC_BENCH_EXTRA_CA_CERTS=… npm run bench'}; start-up figures give the NODE_EXTRA_CA_CERTS run second.`,
  "",
  "| figure | value | goal |",
  "| --- | --- | --- |",
  ...figures.map((f) => `| ${f.name} | ${f.value} | ${f.goal} |`),
  "",
];
await writeFile(join(root, "docs/bench.md"), lines.join("\n"));
log(`wrote docs/bench.md`);
