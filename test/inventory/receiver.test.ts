import { afterEach, describe, expect, it } from "vitest";
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
  refused: [number | null, string][];
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
