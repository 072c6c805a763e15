// prof.ts
import { spawn } from "node:child_process";

// src/events/sign.ts
import { createHmac, timingSafeEqual } from "node:crypto";
function signBody(key, raw) {
  return createHmac("sha256", key).update(raw).digest("base64");
}

// test/inventory/helpers.ts
var APP = 1400000001;
var KEY = "testKey";
var PG_URL = process.env.TRTC_TEST_POSTGRES_URL;
function callbackBody(f) {
  const info = { RoomId: f.room, EventTs: Math.floor(f.ms / 1e3), EventMsTs: f.ms };
  if (f.user !== void 0) info.UserId = f.user;
  if (f.role !== void 0 || f.type === 103 || f.type === 105) info.Role = f.role ?? 20;
  if (f.reason !== void 0 || f.type === 104) info.Reason = f.reason ?? 1;
  const body = { EventGroupId: 1, EventType: f.type, CallbackTs: f.ms + 40, EventInfo: info };
  return Buffer.from(JSON.stringify(body, null, "	").replace(/": /g, '":	'));
}
function signedHeaders(raw, key = KEY, app = String(APP)) {
  const headers = { "Content-Type": "application/json", Sign: signBody(key, raw) };
  if (app !== null) headers.SdkAppId = app;
  return headers;
}

// test/inventory/load.ts
import { connect } from "node:net";
var Connection = class _Connection {
  constructor(socket) {
    this.socket = socket;
    socket.on("data", (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end === -1 || !this.waiting) return;
      const head = this.buffer.subarray(0, end).toString("latin1");
      const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (this.buffer.length < end + 4 + length) return;
      this.buffer = this.buffer.subarray(end + 4 + length);
      const done = this.waiting;
      this.waiting = void 0;
      done(Number(head.slice(9, 12)));
    });
  }
  socket;
  buffer = Buffer.alloc(0);
  waiting;
  static open(port) {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => resolve(new _Connection(socket))).on("error", reject);
      socket.setNoDelay(true);
    });
  }
  send(path, raw, headers) {
    const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r
`).join("");
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r
Host: x\r
${lines}Content-Length: ${raw.length}\r
\r
`), raw]));
    });
  }
  close() {
    this.socket.destroy();
  }
};
async function blast(url2, make, concurrency, seconds) {
  const { port, pathname } = new URL(url2);
  const connections = await Promise.all(Array.from({ length: concurrency }, () => Connection.open(Number(port))));
  const statuses = {};
  let sent = 0;
  const started = performance.now();
  const until = started + seconds * 1e3;
  await Promise.all(
    connections.map(async (c) => {
      while (performance.now() < until) {
        const { raw, headers } = make(sent++);
        const status = await c.send(pathname, raw, headers);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
      c.close();
    })
  );
  return { sent, seconds: (performance.now() - started) / 1e3, statuses };
}

// prof.ts
var child = spawn(process.execPath, ["bin/trtc-admin.js", "events", "serve", "--port", "0", "-o", "ndjson"], { env: { ...process.env, TRTC_SDK_APP_ID: String(APP), TRTC_CALLBACK_KEY: KEY, TRTC_INVENTORY: `file:/tmp/inv/prof/p-${Date.now()}.db` }, stdio: ["ignore", "ignore", "pipe"] });
var err = "";
var url = await new Promise((resolve) => child.stderr.setEncoding("utf8").on("data", (d) => {
  err += d;
  const m = / on (http:\/\/\S+)/.exec(err);
  if (m) resolve(m[1]);
}));
var t0 = Date.now();
var load = await blast(url, (i) => {
  const raw = callbackBody({ type: i % 10 === 0 ? 101 : 103, room: 1 + i % 3e3, user: `u${i}`, ms: t0 + i });
  return { raw, headers: signedHeaders(raw) };
}, 64, 3);
console.log(`${process.argv[2]}: ${(load.sent / load.seconds).toFixed(0)}/s`, load.statuses);
child.kill("SIGTERM");
