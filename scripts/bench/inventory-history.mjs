// Bench sections for the receiver as a long-running service: the cost of a late callback against a
// room's history, the store's size under retention, and throughput while a prune runs.
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { statSync } from "node:fs";
import { Agent, request } from "node:http";
import { join } from "node:path";
import { createInterface } from "node:readline";

const KEY = "benchKey";
const DAY = 86_400_000;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function body(type, room, user, ms) {
  const info = { RoomId: room, EventTs: Math.floor(ms / 1000), EventMsTs: ms };
  if (user) info.UserId = user;
  if (type === 103 || type === 105) info.Role = 20;
  if (type === 104) info.Reason = 1;
  return Buffer.from(JSON.stringify({ EventGroupId: 1, EventType: type, CallbackTs: ms, EventInfo: info }, null, "\t"));
}

const incoming = (app, type, room, user, ms) => {
  const r = {
    type,
    roomId: room,
    roomIdType: typeof room === "number" ? "numeric" : "string",
    userId: user,
    eventMs: ms,
    role: type === 103 ? "anchor" : null,
    reason: null,
  };
  return { sdkAppId: app, event: { groupId: 1, type, callbackMs: ms, room: r }, raw: body(type, room, user, ms), source: "trtc" };
};

async function startServe(bin, env, args = []) {
  const child = spawn(process.execPath, [bin, "events", "serve", "--port", "0", "--output", "ndjson", ...args], { env, stdio: ["ignore", "ignore", "pipe"] });
  const lines = [];
  const url = await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`events serve exited ${code}: ${lines.join("\n")}`)));
    createInterface({ input: child.stderr }).on("line", (line) => {
      lines.push(line);
      const found = / on (http:\/\/\S+)/.exec(line)?.[1];
      if (found) resolve(found);
    });
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const app = env.TRTC_SDK_APP_ID;
  const post = (raw) =>
    new Promise((resolve) => {
      const headers = { "Content-Type": "application/json", Sign: createHmac("sha256", KEY).update(raw).digest("base64"), SdkAppId: app };
      const started = performance.now();
      request(url, { method: "POST", headers, agent }, (res) =>
        res.resume().on("end", () => resolve({ status: res.statusCode, ms: performance.now() - started })),
      )
        .on("error", () => resolve({ status: 0, ms: performance.now() - started }))
        .end(raw);
    });
  const stop = async () => {
    agent.destroy();
    child.kill("SIGTERM");
    await new Promise((resolve) => child.on("close", resolve));
  };
  return { post, stop, lines };
}

/**
 * One room with `history` events (users entering and leaving, one in 100 staying), then callbacks
 * answered by `events serve`: in order, late (a 104 cutting a stay, a 103 of a new user, both
 * from the middle of the history), and another room's while late ones arrive, interleaved.
 */
export async function benchLateFold({ bin, work, app, openStore, record, history, samples }) {
  const path = join(work, `history-${history}.db`);
  const t0 = Date.now() - DAY;
  const store = await openStore(`file:${path}`);
  const users = history / 2;
  for (let i = 0; i < users; i += 1000) {
    const batch = [];
    for (let u = i; u < Math.min(users, i + 1000); u++) {
      batch.push(incoming(app, 103, 7, `u${u}`, t0 + 2 * u));
      if (u % 100 !== 0) batch.push(incoming(app, 104, 7, `u${u}`, t0 + 2 * u + 1));
    }
    await store.append(batch);
  }
  await store.close();
  const env = { PATH: process.env.PATH, HOME: work, TRTC_SDK_APP_ID: String(app), TRTC_CALLBACK_KEY: KEY, TRTC_INVENTORY: `file:${path}`, NO_COLOR: "1" };
  const serve = await startServe(bin, env);
  const end = t0 + history;
  const times = { inOrder: [], late: [], besideLate: [], besideInOrder: [] };
  for (let i = 0; i < samples; i++) {
    const mid = t0 + 2 * (Math.floor(users / 2) + 100 * i) + 1;
    times.inOrder.push((await serve.post(body(103, 7, `n${i}`, end + 10 + i))).ms);
    times.late.push((await serve.post(i % 2 ? body(103, 7, `l${i}`, mid) : body(104, 7, `u${Math.floor(users / 2) + 100 * i}`, mid))).ms);
    // Another room's callback arriving with one of room 7's: beside a late one, then beside an in-order one.
    const [, besideLate] = await Promise.all([serve.post(body(104, 7, `l${i}`, mid + 1)), serve.post(body(103, 9, `p${i}`, end + i))]);
    const [, besideInOrder] = await Promise.all([serve.post(body(104, 7, `n${i}`, end + 20 + i)), serve.post(body(103, 8, `q${i}`, end + i))]);
    times.besideLate.push(besideLate.ms);
    times.besideInOrder.push(besideInOrder.ms);
  }
  await serve.stop();
  const [inOrder, late] = [median(times.inOrder), median(times.late)];
  const [besideLate, besideInOrder] = [median(times.besideLate), median(times.besideInOrder)];
  const n = history.toLocaleString("en");
  record(`late callback into a room with ${n} events of history: median ms of ${samples} (in order: ${inOrder.toFixed(1)})`, late.toFixed(1), "≤ 30");
  record(`late / in-order median, ${n} events of history`, (late / inOrder).toFixed(2), "≤ 3");
  record(
    `another room's callback beside a late one / beside an in-order one, ${n} events of history (medians ms ${besideLate.toFixed(1)} / ${besideInOrder.toFixed(1)})`,
    (besideLate / besideInOrder).toFixed(2),
    "≤ 1.5",
  );
}

/**
 * A month of steady traffic (rooms opening, users coming and going, rooms closing) replayed day by
 * day into a store, pruned after each day as `events serve --retain 7d` would; and the same month
 * without pruning. The embedded store reuses freed pages, so its file stops growing at the window.
 */
export async function benchRetention({ work, app, openStore, record, perDay }) {
  const now = Date.now();
  const bytes = (path) => statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);
  /** `days` of short-lived rooms (6 events each) ending today, pruned daily when `retain`: the store's bytes after `checkpoints` days. */
  const simulate = async (retain, days, checkpoints) => {
    const path = join(work, `month-${retain}.db`);
    const store = await openStore(`file:${path}`);
    const sizes = [];
    let room = 0;
    for (let day = days; day >= 1; day--) {
      const start = now - day * DAY;
      const step = DAY / perDay;
      const events = [];
      for (let i = 0; i < perDay; i += 6) {
        const at = Math.floor(start + i * step);
        room++;
        events.push(incoming(app, 101, room, "", at), incoming(app, 103, room, "a", at + 1), incoming(app, 103, room, "b", at + 2));
        events.push(incoming(app, 104, room, "a", at + 3), incoming(app, 104, room, "b", at + 4), incoming(app, 102, room, "", at + 5));
      }
      for (let i = 0; i < events.length; i += 2000) await store.append(events.slice(i, i + 2000));
      if (retain) await store.prune(app, start + DAY - 7 * DAY);
      if (checkpoints.includes(days - day + 1)) sizes.push(bytes(path));
    }
    await store.close();
    return sizes;
  };
  const [kept] = await simulate(false, 30, [30]);
  const [month, twoMonths] = await simulate(true, 60, [30, 60]);
  const mb = (b) => (b / 2 ** 20).toFixed(1);
  record(`store bytes after a simulated month of ${perDay.toLocaleString("en")} events/day, --retain 7d: MB (without retention ${mb(kept)})`, mb(month));
  record("store size with 7 days kept / with all 30 days kept", (month / kept).toFixed(2), "≤ 0.4");
  record(`store bytes after two simulated months, --retain 7d: MB`, mb(twoMonths));
  record("store size after two months / after one, --retain 7d (bounded by the window, not the receiver's age)", (twoMonths / month).toFixed(2), "≤ 1.1");
}

/** Throughput of `events serve` while its start-up prune deletes `old` events beyond the window, against the same without. */
export async function benchThroughputWhilePruning({ bin, work, app, openStore, record, old, seconds }) {
  const rates = {};
  for (const pruning of [false, true]) {
    const path = join(work, `prune-${pruning}.db`);
    const store = await openStore(`file:${path}`);
    const t0 = Date.now() - (pruning ? 10 : 1) * DAY;
    for (let i = 0; i < old; i += 2000)
      await store.append(Array.from({ length: 2000 }, (_, k) => incoming(app, 103, 1 + ((i + k) % 5000), `o${i + k}`, t0 + i + k)));
    await store.close();
    const env = { PATH: process.env.PATH, HOME: work, TRTC_SDK_APP_ID: String(app), TRTC_CALLBACK_KEY: KEY, TRTC_INVENTORY: `file:${path}`, NO_COLOR: "1" };
    const serve = await startServe(bin, env, ["--retain", "7d"]);
    const start = Date.now();
    let sent = 0;
    let ok = 0;
    const until = performance.now() + seconds * 1000;
    const began = performance.now();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (performance.now() < until) if ((await serve.post(body(103, 100_000 + (sent % 3000), `n${sent}`, start + sent++))).status === 200) ok++;
      }),
    );
    rates[pruning] = { rate: sent / ((performance.now() - began) / 1000), ok, sent, pruned: serve.lines.some((l) => l.startsWith("retention: deleted")) };
    await serve.stop();
  }
  const { rate, ok, sent, pruned } = rates.true;
  record(
    `events serve while --retain 7d prunes ${old.toLocaleString("en")} old events: callbacks/s (${ok}/${sent} answered 200${pruned ? "" : ", prune not finished"}; without a prune ${rates.false.rate.toFixed(0)})`,
    rate.toFixed(0),
    "≥ 2000",
  );
}
