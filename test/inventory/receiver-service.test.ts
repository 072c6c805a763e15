import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/commands/program.js";
import { GroupCommit } from "../../src/events/group-commit.js";
import { Metrics } from "../../src/events/metrics.js";
import { type ReceiverOptions, startReceiver } from "../../src/events/receiver.js";
import { guardStdout } from "../../src/output/receiver-log.js";
import { createTerminal } from "../../src/output/terminal.js";
import { openStore } from "../../src/store/open.js";
import { APP, callbackBody, fakeIo, get, KEY, post, STORES, signedHeaders } from "./helpers.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const T = 1_763_600_000_000;
const body = callbackBody({ type: 103, room: 9, user: "alice", ms: T });

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text format 0.0.4 strictly enough to catch a malformed line or an undeclared family. */
function parseMetrics(text: string): { types: Map<string, string>; samples: Sample[] } {
  expect(text.endsWith("\n")).toBe(true);
  const types = new Map<string, string>();
  const helped = new Set<string>();
  const samples: Sample[] = [];
  for (const line of text.trimEnd().split("\n")) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === "TYPE") types.set(meta[2]!, meta[3]!);
      else helped.add(meta[2]!);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (\S+)$/.exec(line);
    expect(m, `malformed line: ${line}`).not.toBeNull();
    const labels = Object.fromEntries([...(m![2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    const name = m![1]!;
    const family = [...types.keys()].find((f) => name === f || (types.get(f) === "histogram" && /^(_bucket|_sum|_count)$/.test(name.slice(f.length))));
    expect(family, `no # TYPE before ${name}`).toBeDefined();
    expect(helped.has(family!), `no # HELP for ${family}`).toBe(true);
    samples.push({ name, labels, value: Number(m![3]) });
  }
  return { types, samples };
}

const sampleValue = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

async function start(options: Partial<ReceiverOptions> = {}) {
  const { url, cleanup } = await STORES[0]!.fresh();
  const store = await openStore(url);
  const refused: [number | null, string, string][] = [];
  const receiver = await startReceiver({
    host: "127.0.0.1",
    port: 0,
    path: "/",
    expected: { key: KEY, sdkAppId: APP },
    sink: store,
    onEvent: () => undefined,
    onReject: (status, reason, peer) => refused.push([status, reason, peer]),
    onStoreError: () => undefined,
    ...options,
  });
  cleanups.push(
    cleanup,
    () => store.close(),
    () => receiver.close(100),
  );
  return { receiver, refused };
}

describe("GET /metrics", () => {
  it("Prometheus text: callbacks by answer code, a commit latency histogram, and gauges other modules register", async () => {
    const metrics = new Metrics();
    let pending = 3;
    metrics.gauge("trtc_admin_forward_pending", "Forward deliveries not yet made.", () => pending);
    metrics.counterFrom("trtc_admin_enforcement_kicks_total", "Kicks by status.", () => [
      { labels: { status: "done" }, value: 2 },
      { labels: { status: 'odd "quoted"\\ status\n' }, value: 1 },
    ]);
    const { receiver } = await start({ metrics });
    expect((await post(receiver.url, body, signedHeaders(body))).status).toBe(200);
    expect((await post(receiver.url, body, signedHeaders(body))).status).toBe(200);
    expect((await post(receiver.url, body, signedHeaders(body, "wrong"))).status).toBe(401);
    expect((await post(receiver.url, body, signedHeaders(body, KEY, "1"))).status).toBe(403);
    pending = 5;
    const reply = await new Promise<{ type: string; text: string }>((resolve, reject) => {
      import("node:http").then(({ request }) =>
        request(new URL("/metrics", receiver.url), { agent: false }, (res) => {
          let text = "";
          res.setEncoding("utf8").on("data", (d: string) => (text += d));
          res.on("end", () => resolve({ type: String(res.headers["content-type"]), text }));
        })
          .on("error", reject)
          .end(),
      );
    });
    expect(reply.type).toBe("text/plain; version=0.0.4; charset=utf-8");
    const { types, samples } = parseMetrics(reply.text);
    expect(types.get("trtc_admin_callbacks_total")).toBe("counter");
    expect(sampleValue(samples, "trtc_admin_callbacks_total", { code: "200" })).toBe(2);
    expect(sampleValue(samples, "trtc_admin_callbacks_total", { code: "401" })).toBe(1);
    expect(sampleValue(samples, "trtc_admin_callbacks_total", { code: "403" })).toBe(1);
    expect(types.get("trtc_admin_store_commit_seconds")).toBe("histogram");
    const buckets = samples.filter((s) => s.name === "trtc_admin_store_commit_seconds_bucket");
    const counts = buckets.map((b) => b.value);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(buckets.at(-1)).toMatchObject({ labels: { le: "+Inf" }, value: 2 });
    expect(sampleValue(samples, "trtc_admin_store_commit_seconds_count")).toBe(2);
    expect(sampleValue(samples, "trtc_admin_store_commit_seconds_sum")).toBeGreaterThan(0);
    expect(sampleValue(samples, "trtc_admin_store_up")).toBe(1);
    expect(sampleValue(samples, "trtc_admin_forward_pending")).toBe(5);
    expect(sampleValue(samples, "trtc_admin_enforcement_kicks_total", { status: "done" })).toBe(2);
    expect(sampleValue(samples, "trtc_admin_enforcement_kicks_total", { status: 'odd \\"quoted\\"\\\\ status\\n' })).toBe(1);
  });

  it("a name registered twice, or not a metric name, is a programming error", () => {
    const metrics = new Metrics();
    metrics.counter("a_total", "A.");
    expect(() => metrics.gauge("a_total", "again", () => 1)).toThrow("registered twice");
    expect(() => metrics.counter("a-b", "bad")).toThrow("invalid metric name");
  });
});

/** A socket that connects and then says nothing, or only part of a request. */
function rawSocket(url: string, send = ""): Promise<{ socket: Socket; closed: Promise<string> }> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      if (send) socket.write(send);
      let got = "";
      socket.setEncoding("utf8").on("data", (d: string) => (got += d));
      const closed = new Promise<string>((done) => socket.on("close", () => done(got)));
      resolve({ socket, closed });
    });
    socket.on("error", () => undefined);
    socket.once("error", reject);
    cleanups.push(async () => socket.destroy());
  });
}

describe("group commit while the store is down", () => {
  it.each([
    [false, 1],
    [true, 6],
  ])("store still up: %s → %i writes for a failed batch of 5 (item by item only when the store answers)", async (up, writes) => {
    let calls = 0;
    const commit = new GroupCommit<number, number>(
      async () => {
        calls++;
        throw new Error("connect ETIMEDOUT");
      },
      500,
      async () => up,
    );
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => commit.submit(n)));
    expect(results.map((r) => r.status)).toEqual(Array(5).fill("rejected"));
    expect(calls).toBe(writes);
  });
});

describe("group commit gathering", () => {
  /** Submits `first`, then one more item at each turn of the event loop up to `last`, as requests read over several turns. */
  function arrivals(commit: GroupCommit<number, number>, first: number, last: number): Promise<number[]> {
    const submitted: Promise<number>[] = [];
    return new Promise((resolve) => {
      const next = (n: number) =>
        setImmediate(() => {
          submitted.push(commit.submit(n));
          if (n < last) next(n + 1);
          else resolve(Promise.all(submitted));
        });
      // Scheduled before the first submit, so each arrival comes in a turn before the commit looks again.
      next(first + 1);
      submitted.push(commit.submit(first));
    });
  }

  it("items that arrive turn after turn while nothing is being written go into one write", async () => {
    const writes: number[][] = [];
    const commit = new GroupCommit<number, number>(async (items) => (writes.push(items), items));
    expect(await arrivals(commit, 1, 3)).toEqual([1, 2, 3]);
    expect(writes).toEqual([[1, 2, 3]]);
  });

  it("a stream that never pauses is still written after a few turns, not held back", async () => {
    const writes: number[][] = [];
    const commit = new GroupCommit<number, number>(async (items) => (writes.push(items), items));
    expect(await arrivals(commit, 1, 20)).toHaveLength(20);
    expect(writes.length).toBeGreaterThan(1);
    expect(writes[0]!.length).toBeLessThanOrEqual(5);
    expect(writes.flat()).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});

describe("event lines on stdout", () => {
  it("the lines printed in one turn (a commit's events) go out in one write; lines waiting for it count toward the backlog", async () => {
    const writes: string[] = [];
    const term = createTerminal({ stdout: { write: (s: string) => writes.push(s) }, stderr: { write: () => true }, stdin: new PassThrough() }, {});
    const guarded = guardStdout(term, 15);
    for (const line of ["one 12345\n", "two 12345\n", "three 123\n"]) guarded.term.out(line);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(["one 12345\ntwo 12345\n"]);
    expect(guarded.dropped()).toBe(1);
  });
});

describe("slow and idle clients", () => {
  it("a body that does not arrive in time is answered 408 and logged as a timeout, not a 413", async () => {
    const { receiver, refused } = await start({ limits: { bodyTimeoutMs: 300 } });
    const slow = await rawSocket(receiver.url, `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body.subarray(0, 10)}`);
    expect(await slow.closed).toMatch(/^HTTP\/1\.1 408/);
    expect(refused).toEqual([[408, "body not received within 300 ms", expect.stringMatching(/^127\.0\.0\.1:\d+$/)]]);
  });

  it("headers that do not arrive in time: 408, logged with the peer; a connection that sends nothing is closed and only counted", async () => {
    const metrics = new Metrics();
    const { receiver, refused } = await start({ metrics, limits: { headersTimeoutMs: 300 } });
    const partial = await rawSocket(receiver.url, "POST / HTTP/1.1\r\nHost: x\r\n");
    const idle = await rawSocket(receiver.url);
    expect(await partial.closed).toMatch(/^HTTP\/1\.1 408/);
    expect(await idle.closed).toBe("");
    expect(refused).toEqual([[408, "request not received within 300 ms", expect.stringMatching(/^127\.0\.0\.1:\d+$/)]]);
    expect(metrics.render()).toContain("trtc_admin_idle_connections_closed_total 1");
  });

  it("past the connection cap new connections are closed at once; once the idle ones time out, callbacks are answered again", async () => {
    const metrics = new Metrics();
    const { receiver } = await start({ metrics, limits: { maxConnections: 5, headersTimeoutMs: 500 } });
    const sockets = await Promise.all(Array.from({ length: 20 }, () => rawSocket(receiver.url)));
    // The 15 over the cap are closed by the receiver without waiting for any timeout.
    const early = await Promise.race([Promise.all(sockets.slice(5).map((s) => s.closed)).then(() => "closed"), sockets[0]!.closed.then(() => "timed out")]);
    expect(early).toBe("closed");
    await Promise.all(sockets.map((s) => s.closed));
    expect((await post(receiver.url, body, signedHeaders(body))).status).toBe(200);
    const text = metrics.render();
    expect(text).toContain("trtc_admin_connections_dropped_total 15");
    expect(text).toContain("trtc_admin_idle_connections_closed_total 5");
  });
});

describe("events serve (in-process): refusal lines and stdout", () => {
  async function serve(stdout: import("../../src/output/terminal.js").Stream) {
    const { url } = await STORES[0]!.fresh();
    const run = fakeIo({ TRTC_SDK_APP_ID: String(APP), TRTC_CALLBACK_KEY: KEY, TRTC_INVENTORY: url });
    run.io.stdout = stdout;
    const exited = main(["events", "serve", "--port", "0", "-o", "ndjson"], run.io);
    return { run, exited, url: await run.listening(exited) };
  }

  it("a refusal names the peer, the reason and what to check", async () => {
    const { run, exited, url } = await serve({ write: () => true });
    await post(url, body, signedHeaders(body, "wrong"));
    await post(url, body, { SdkAppId: String(APP) });
    await post(url, body, signedHeaders(body, KEY, "1400000002"));
    run.abort.abort();
    expect(await exited).toBe(0);
    const lines = run.stderr().split("\n");
    expect(lines).toContainEqual(expect.stringMatching(/^refused: 401 from 127\.0\.0\.1:\d+: Sign does not match the body \(.*must match the console's/));
    expect(lines).toContainEqual(expect.stringMatching(/^refused: 401 from 127\.0\.0\.1:\d+: no Sign header \(TRTC signs every callback/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^refused: 403 from 127\.0\.0\.1:\d+: SdkAppId 1400000002 is not this profile's .*\(the SdkAppId header must be the profile's/),
    );
    expect(run.stderr()).not.toContain(KEY);
  });

  it("a request that is not HTTP is refused with a hint about what connected, not about a callback body", async () => {
    const { run, exited, url } = await serve({ write: () => true });
    const socket = connect(Number(new URL(url).port), "127.0.0.1");
    socket.end("HELLO\r\n\r\n");
    await once(socket.resume(), "close");
    run.abort.abort();
    expect(await exited).toBe(0);
    const line = run
      .stderr()
      .split("\n")
      .find((l) => l.startsWith("refused: 400"));
    expect(line).toMatch(/^refused: 400 from 127\.0\.0\.1:\d+: not HTTP \(HPE_[A-Z_]+\) \(.*not an HTTP client/);
    expect(line).not.toContain("the body must be");
  });

  it("a stdout that stopped taking lines: lines are dropped and counted, one warning, and events are still stored", async () => {
    const written: string[] = [];
    const stalled = { write: (s: string) => written.push(s), writableLength: 2 << 20 };
    const { run, exited, url } = await serve(stalled);
    for (const user of ["a", "b", "c"]) {
      const raw = callbackBody({ type: 103, room: 9, user, ms: T });
      expect((await post(url, raw, signedHeaders(raw))).status).toBe(200);
    }
    const metrics = await get(new URL("/metrics", url).href);
    run.abort.abort();
    expect(await exited).toBe(0);
    expect(written).toEqual([]);
    expect(metrics.text).toContain("trtc_admin_stdout_lines_dropped_total 3");
    expect(run.stderr().match(/stdout is closed or not being read/g)).toHaveLength(1);
  });
});

describe("events ingest from a live pipe", () => {
  it("applies each line within a second of its arrival while the writer stays open", async () => {
    const { url } = await STORES[0]!.fresh();
    const run = fakeIo({ TRTC_SDK_APP_ID: String(APP), TRTC_CALLBACK_KEY: KEY, TRTC_INVENTORY: url });
    const pipe = new PassThrough();
    run.io.stdin = pipe;
    const printed: string[] = [];
    let onLine: (() => void) | undefined;
    run.io.stdout = { write: (s: string) => (printed.push(s), onLine?.(), true) };
    // The store exists before ingest opens it: two first opens of one new file are not what this is about.
    const store = await openStore(url);
    cleanups.push(() => store.close());
    const exited = main(["events", "ingest", "-o", "ndjson"], run.io);
    const ended = exited.then((code) => {
      throw new Error(`ingest ended (${code}) before the line was applied: ${run.stderr()}`);
    });
    for (const user of ["first", "second"]) {
      const raw = callbackBody({ type: 103, room: 5, user, ms: T + user.length });
      const applied = new Promise<void>((resolve) => (onLine = resolve));
      const sent = performance.now();
      pipe.write(`${JSON.stringify({ headers: signedHeaders(raw), body: raw.toString("utf8") })}\n`);
      await Promise.race([applied, ended]);
      expect(performance.now() - sent).toBeLessThan(1000);
      expect((await store.getRoom(APP, { roomIdType: "numeric", roomId: 5 }))?.members.map((m) => m.userId)).toContain(user);
    }
    ended.catch(() => undefined);
    pipe.end();
    expect(await exited).toBe(0);
    expect(printed).toHaveLength(2);
  });
});
