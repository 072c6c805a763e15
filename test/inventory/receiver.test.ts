import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Forwarder } from "../../src/events/forward.js";
import { type Receiver, type ReceiverOptions, startReceiver } from "../../src/events/receiver.js";
import type { AppendOutcome, EventSink, IncomingEvent } from "../../src/events/types.js";
import { openStore } from "../../src/store/open.js";
import type { InventoryStore } from "../../src/store/types.js";
import { APP, callbackBody, get, KEY, post, STORES, signedHeaders } from "./helpers.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Started {
  receiver: Receiver;
  store: InventoryStore;
  events: [IncomingEvent, AppendOutcome][];
  refused: [number, string][];
}

async function start(options: Partial<ReceiverOptions> = {}): Promise<Started> {
  const { url, cleanup } = await STORES[0]!.fresh();
  const store = await openStore(url);
  const events: Started["events"] = [];
  const refused: Started["refused"] = [];
  const receiver = await startReceiver({
    host: "127.0.0.1",
    port: 0,
    path: "/trtc",
    expected: { key: KEY, sdkAppId: APP },
    sink: store,
    onEvent: (e, o) => events.push([e, o]),
    onReject: (status, reason) => refused.push([status, reason]),
    onStoreError: () => undefined,
    ...options,
  });
  cleanups.push(
    cleanup,
    () => store.close(),
    () => receiver.close(100),
  );
  return { receiver, store, events, refused };
}

const body = callbackBody({ type: 103, room: 1234, user: "alice", ms: 1_700_000_000_000 });

async function nothingStored(store: InventoryStore): Promise<void> {
  expect(await store.listRooms(APP, { all: true })).toEqual([]);
  expect(await store.coverage(APP)).toBeNull();
}

describe("events serve: answers", () => {
  it('200 {"code":0} once stored; a duplicate is 200 too and applied once', async () => {
    const { receiver, store, events } = await start();
    expect(await post(receiver.url, body, signedHeaders(body))).toEqual({ status: 200, text: '{"code":0}' });
    expect(await post(receiver.url, body, signedHeaders(body))).toEqual({ status: 200, text: '{"code":0}' });
    expect(events.map(([, o]) => o)).toEqual(["stored", "duplicate"]);
    expect((await store.listRooms(APP, {}))[0]!.members).toEqual([{ userId: "alice", role: "anchor", since: "2023-11-14T22:13:20.000Z" }]);
  });

  const refusals: [string, number, () => [Buffer, Record<string, string>]][] = [
    ["no Sign", 401, () => [body, { SdkAppId: String(APP) }]],
    ["a Sign made with another key", 401, () => [body, signedHeaders(body, "otherKey")]],
    ["a Sign of the body re-serialised", 401, () => [body, { ...signedHeaders(Buffer.from(JSON.stringify(JSON.parse(body.toString())))) }]],
    ["a bad Sign and a wrong SdkAppId (signature first)", 401, () => [body, { Sign: "x", SdkAppId: "1" }]],
    ["no SdkAppId", 403, () => [body, signedHeaders(body, KEY, null)]],
    ["another SdkAppId", 403, () => [body, signedHeaders(body, KEY, "1400000002")]],
    ["a signed body that is not a TRTC event", 400, () => [Buffer.from("{}"), signedHeaders(Buffer.from("{}"))]],
    ["a signed body of 65,537 bytes", 413, () => [Buffer.alloc(65_537, 32), signedHeaders(Buffer.alloc(65_537, 32))]],
  ];
  it.each(refusals)("%s: %i, nothing stored", async (_, status, make) => {
    const { receiver, store, refused } = await start();
    const [raw, headers] = make();
    const reply = await post(receiver.url, raw, headers);
    expect(reply.status).toBe(status);
    expect(reply.text).not.toContain(KEY);
    expect(refused.map(([s]) => s)).toEqual([status]);
    await nothingStored(store);
  });

  it("500 when the store fails, so TRTC retries; nothing acknowledged", async () => {
    const failing: EventSink = { append: () => Promise.reject(new Error("disk full")), ping: () => Promise.reject(new Error("down")) };
    const { receiver, events } = await start({ sink: failing });
    expect((await post(receiver.url, body, signedHeaders(body))).status).toBe(500);
    expect(events).toEqual([]);
    expect(await get(new URL("/healthz", receiver.url).href)).toEqual({ status: 503, text: '{"ok":false}' });
  });

  it("GET /healthz is 200 while the store answers; other paths 404, other methods 405", async () => {
    const { receiver } = await start();
    expect(await get(new URL("/healthz", receiver.url).href)).toEqual({ status: 200, text: '{"ok":true}' });
    expect((await post(new URL("/other", receiver.url).href, body, signedHeaders(body))).status).toBe(404);
    expect((await get(receiver.url)).status).toBe(405);
  });

  it("a huge body is refused without being buffered, and the receiver lives on", async () => {
    const { receiver, store } = await start();
    const huge = Buffer.alloc(8 << 20, 65);
    const reply = await post(receiver.url, huge, signedHeaders(huge)).catch((err: NodeJS.ErrnoException) => ({ status: 0, text: err.code ?? "" }));
    // The receiver answers 413 and drops the connection; a client still writing may see the reset first.
    expect([413, 0]).toContain(reply.status);
    const chunked = await post(receiver.url, Buffer.alloc(70_000, 66), { ...signedHeaders(body), "Transfer-Encoding": "chunked" });
    expect(chunked.status).toBe(413);
    expect((await get(new URL("/healthz", receiver.url).href)).status).toBe(200);
    await nothingStored(store);
  });
});

type Captured = { raw: Buffer; headers: IncomingMessage["headers"]; names: string[] };

function captureServer(statuses: number[]): Promise<{ url: string; got: Captured[]; server: Server }> {
  const got: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      got.push({ raw: Buffer.concat(chunks), headers: req.headers, names: req.rawHeaders.filter((_, i) => i % 2 === 0) });
      if (statuses[0] === -1) return; // never answers
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  cleanups.push(() => new Promise((r) => (server.closeAllConnections(), server.close(r))));
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/app/cb`, got, server })),
  );
}

describe("events serve --forward", () => {
  it("re-posts the raw body byte for byte with Sign, SdkAppId and Content-Type as spelled, retrying a failure", async () => {
    const app = await captureServer([500, 200]);
    const forwarder = new Forwarder({ urls: [app.url], onGiveUp: () => undefined });
    const { receiver } = await start({ forwarder });
    expect((await post(receiver.url, body, signedHeaders(body))).status).toBe(200);
    await receiver.close(5000);
    expect(app.got).toHaveLength(2);
    for (const { raw, headers, names } of app.got) {
      expect(raw.equals(body)).toBe(true);
      expect(headers).toMatchObject({ sign: signedHeaders(body).Sign, sdkappid: String(APP), "content-type": "application/json" });
      expect(names).toEqual(expect.arrayContaining(["Content-Type", "Sign", "SdkAppId"]));
    }
  });

  it("never delays the answer, even when the app's receiver hangs", async () => {
    const app = await captureServer([-1]);
    const gaveUp: string[] = [];
    const forwarder = new Forwarder({ urls: [app.url], onGiveUp: (_, why) => gaveUp.push(why), attemptTimeoutMs: 60_000 });
    const { receiver } = await start({ forwarder });
    const started = performance.now();
    expect((await post(receiver.url, body, signedHeaders(body))).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
    await receiver.close(50);
    expect(gaveUp).toEqual([expect.stringContaining("shutting down")]);
  });

  it("does not forward what it refused", async () => {
    const app = await captureServer([]);
    const { receiver } = await start({ forwarder: new Forwarder({ urls: [app.url], onGiveUp: () => undefined }) });
    await post(receiver.url, body, { Sign: "bad", SdkAppId: String(APP) });
    await receiver.close(1000);
    expect(app.got).toEqual([]);
  });
});

/**
 * A receiver whose sink holds every append until released: `appending` resolves once the receiver has
 * taken a request as far as storing it, so a test knows the request is in flight without guessing how long.
 */
async function heldReceiver() {
  const { url, cleanup } = await STORES[0]!.fresh();
  const store = await openStore(url);
  cleanups.push(cleanup, () => store.close());
  let started!: () => void;
  const appending = new Promise<void>((resolve) => (started = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const sink: EventSink = {
    append: async (e) => {
      started();
      await released;
      return store.append(e);
    },
    ping: () => store.ping(),
  };
  const { receiver } = await start({ sink });
  // Released first on the way out, so a failed test does not leave the receiver's close() waiting on it.
  cleanups.push(async () => release());
  return { receiver, store, appending, release };
}

describe("events serve: shutdown", () => {
  it("finishes a request in flight (stored, 200), then refuses new connections", async () => {
    const { receiver, store, appending, release } = await heldReceiver();
    const inFlight = post(receiver.url, body, signedHeaders(body));
    await appending;
    const closed = receiver.close();
    // Closing stops listening at once, while the request in flight is still being stored.
    await expect(post(receiver.url, body, signedHeaders(body))).rejects.toMatchObject({ code: "ECONNREFUSED" });
    release();
    await closed;
    expect((await inFlight).status).toBe(200);
    expect(await store.listRooms(APP, {})).toHaveLength(1);
    await expect(post(receiver.url, body, signedHeaders(body))).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});

describe("events serve: shutdown on a kept-alive connection", () => {
  it("turns a new request away with 503 once closing, while the one in flight still gets its 200", async () => {
    const { receiver, store, appending, release } = await heldReceiver();
    const { Agent } = await import("node:http");
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(async () => agent.destroy());
    const first = post(receiver.url, body, signedHeaders(body), agent);
    await appending;
    const closed = receiver.close();
    const other = callbackBody({ type: 103, room: 1234, user: "bob", ms: 1_700_000_000_001 });
    // Queued behind the first on the same socket: it reaches the receiver only after shutdown began.
    const second = post(receiver.url, other, signedHeaders(other), agent).then(
      (r) => r.status,
      () => 0,
    );
    release();
    expect((await first).status).toBe(200);
    await closed;
    expect([503, 0]).toContain(await second);
    expect((await store.listRooms(APP, {}))[0]!.members.map((m) => m.userId)).toEqual(["alice"]);
  });
});
