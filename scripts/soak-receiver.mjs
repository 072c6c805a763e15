// Soak test of `events serve` as a service lives: steady signed callbacks for a while, during which
// its stdout is closed, its store's PostgreSQL is restarted and stopped for a few seconds, and the
// receiver itself is killed with SIGKILL and started again. At the end, every callback that was
// answered 200 must be in the store. Needs root (it runs a private PostgreSQL as the postgres user
// on its own port, so a shared cluster is never touched) and a build (npm run build).
//   node scripts/soak-receiver.mjs [--seconds 60] [--rate 100] [--store postgres|file]
import { execFileSync, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const SECONDS = Number(arg("seconds", "60"));
const RATE = Number(arg("rate", "100"));
const STORE = arg("store", "postgres");
const APP = 1400000001;
const KEY = "soakKey";
const bin = fileURLToPath(new URL("../bin/trtc-admin.cjs", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "trtc-soak-"));
chmodSync(work, 0o777);
const log = (line) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
const started = Date.now();

// A private PostgreSQL on its own port, owned by the postgres user.
const pgBin = "/usr/lib/postgresql/15/bin";
const pgData = join(work, "pg");
const PORT = 55433;
const asPostgres = (cmd, args) => execFileSync("su", ["postgres", "-c", [cmd, ...args].map((a) => `'${a}'`).join(" ")], { stdio: "pipe" }).toString();
const pg = (action, extra = []) =>
  asPostgres(join(pgBin, "pg_ctl"), ["-D", pgData, "-l", join(work, "pg.log"), "-w", "-o", `-p ${PORT} -k ${work}`, ...extra, action]);
let inventory = `file:${join(work, "inventory.db")}`;
if (STORE === "postgres") {
  asPostgres(join(pgBin, "initdb"), ["-D", pgData, "-A", "trust", "-U", "postgres"]);
  pg("start");
  asPostgres(join(pgBin, "createdb"), ["-h", "127.0.0.1", "-p", String(PORT), "-U", "postgres", "soak"]);
  inventory = `postgres://postgres@127.0.0.1:${PORT}/soak`;
}

const env = { PATH: process.env.PATH, HOME: work, TRTC_SDK_APP_ID: String(APP), TRTC_CALLBACK_KEY: KEY, TRTC_INVENTORY: inventory, NO_COLOR: "1" };
const port = 18000 + Math.floor(Math.random() * 1000);
let receiver;
const exits = [];
function startReceiver(closeStdout) {
  // `| head -n 2`: the reader goes away after two lines, as a log pipe that dies would.
  const cmd = `node ${JSON.stringify(bin)} events serve --port ${port} --output ndjson${closeStdout ? " | head -n 2 > /dev/null" : " > /dev/null"}`;
  receiver = spawn("bash", ["-c", `exec ${closeStdout ? "bash -c " + JSON.stringify(cmd) : cmd}`], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  receiver.stderr.setEncoding("utf8").on("data", (d) => process.env.SOAK_VERBOSE && process.stderr.write(d));
  const self = receiver;
  receiver.on("exit", (code, signal) => exits.push({ code, signal, expected: self.expectedExit === true }));
}
const url = `http://127.0.0.1:${port}/`;

const agent = new Agent({ keepAlive: true, maxSockets: 16 });
const acked = [];
const counts = { sent: 0, 200: 0, 500: 0, 503: 0, other: 0, error: 0 };
function post(i) {
  const ms = Date.now();
  const body = Buffer.from(
    JSON.stringify({
      EventGroupId: 1,
      EventType: 103,
      CallbackTs: ms,
      EventInfo: { RoomId: `soak-${i % 500}`, EventTs: Math.floor(ms / 1000), EventMsTs: ms, UserId: `u${i}`, Role: 20 },
    }),
  );
  const headers = { "Content-Type": "application/json", Sign: createHmac("sha256", KEY).update(body).digest("base64"), SdkAppId: String(APP) };
  counts.sent++;
  return new Promise((resolve) => {
    const req = request(url, { method: "POST", headers, agent, timeout: 5000 }, (res) => {
      res.resume().on("end", () => {
        if (res.statusCode === 200) acked.push(`u${i}`);
        counts[res.statusCode in counts ? res.statusCode : "other"]++;
        resolve();
      });
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => {
      counts.error++;
      resolve();
    });
    req.end(body);
  });
}

startReceiver(true);
await new Promise((r) => setTimeout(r, 1500));
const plan = [
  [0.2, "PostgreSQL restart -m fast", () => pg("restart", ["-m", "fast"])],
  [
    0.4,
    "SIGKILL the receiver, start it again",
    () => {
      process.kill(-receiver.pid, "SIGKILL");
      startReceiver(false);
    },
  ],
  [
    0.6,
    "PostgreSQL stopped for 5 s",
    async () => {
      pg("stop", ["-m", "fast"]);
      await new Promise((r) => setTimeout(r, 5000));
      pg("start");
    },
  ],
].filter(([, what]) => STORE === "postgres" || !what.startsWith("PostgreSQL"));
const t0 = Date.now();
let i = 0;
const inFlight = new Set();
let next = 0;
while (Date.now() - t0 < SECONDS * 1000) {
  const due = Math.floor(((Date.now() - t0) / 1000) * RATE);
  while (i < due) {
    const p = post(i++).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  if (next < plan.length && Date.now() - t0 >= plan[next][0] * SECONDS * 1000) {
    const [, what, act] = plan[next++];
    log(what);
    void Promise.resolve(act());
  }
  await new Promise((r) => setTimeout(r, 10));
}
await Promise.all(inFlight);
receiver.expectedExit = true;
const health = await fetch(`${url}healthz`).then(
  (r) => r.status,
  () => 0,
);
process.kill(-receiver.pid, "SIGTERM");
await new Promise((r) => (receiver.exitCode !== null ? r() : receiver.on("exit", r)));

// Every acknowledged callback must be stored.
const { openStore } = await import(fileURLToPath(new URL("../dist/index.js", import.meta.url)));
const store = await openStore(inventory);
const rooms = await store.listRooms(APP, { all: true });
const members = new Set(rooms.flatMap((r) => r.members.map((m) => m.userId)));
await store.close();
const missing = acked.filter((u) => !members.has(u));
log(`sent ${counts.sent}: 200 ${counts[200]}, 500 ${counts[500]}, 503 ${counts[503]}, other ${counts.other}, connection errors ${counts.error}`);
log(`receiver exits: ${JSON.stringify(exits)}; /healthz at the end: ${health}`);
log(`acknowledged but missing from the store: ${missing.length}`);
if (STORE === "postgres") pg("stop", ["-m", "fast"]);
agent.destroy();
rmSync(work, { recursive: true, force: true });
process.exit(missing.length === 0 && health === 200 ? 0 : 1);
