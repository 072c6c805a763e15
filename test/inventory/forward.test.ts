import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { Forwarder, type ForwardOptions } from "../../src/events/forward.js";
import { forwardsToItself } from "../../src/events/forward-target.js";
import { startReceiver } from "../../src/events/receiver.js";
import type { AppendOutcome, ForwardQueue } from "../../src/events/types.js";
import { openStore } from "../../src/store/open.js";
import { until } from "../bans/relay.js";
import { APP, callbackBody, KEY, notePostgresSkipped, post, STORES, type StoreFactory, signedHeaders } from "./helpers.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Captured = { raw: Buffer; headers: IncomingMessage["headers"]; names: string[] };

/** The app's own receiver: answers each request with the next of `statuses` (then 200); -1 never answers. */
async function appServer(statuses: number[] = []) {
  const got: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      got.push({ raw: Buffer.concat(chunks), headers: req.headers, names: req.rawHeaders.filter((_, i) => i % 2 === 0) });
      const status = statuses.length > 1 ? statuses.shift()! : (statuses[0] ?? 200);
      if (status !== -1) res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((r) => (server.closeAllConnections(), server.close(r))));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/app/cb`, got, statuses };
}

async function freshStore(factory: StoreFactory): Promise<string> {
  const { url, cleanup } = await factory.fresh();
  cleanups.push(cleanup);
  return url;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** A receiver on `inventory` forwarding to `options.urls`, as `events serve --forward` wires it. */
async function forwarding(inventory: string, options: Partial<ForwardOptions> & { urls: string[] }, port = 0) {
  const store = await openStore(inventory);
  const gaveUp: [string, string][] = [];
  const outcomes: AppendOutcome[] = [];
  const forwarder = new Forwarder({
    queue: store.forwards,
    onGiveUp: (url, why) => gaveUp.push([url, why]),
    onStoreError: () => undefined,
    pollMs: 20,
    ...options,
  });
  const receiver = await startReceiver({
    host: "127.0.0.1",
    port,
    path: "/trtc",
    expected: { key: KEY, sdkAppId: APP },
    sink: store,
    forwarder,
    onEvent: (_, outcome) => outcomes.push(outcome),
    onReject: () => undefined,
    onStoreError: () => undefined,
  });
  cleanups.push(
    () => store.close(),
    () => receiver.close(100),
  );
  const send = async (raw: Buffer, headers = signedHeaders(raw)) => (await post(receiver.url, raw, headers)).status;
  return { receiver, store, forwarder, gaveUp, outcomes, send };
}

const T = 1_763_600_000_000;
const body = (user = "alice", ms = T) => callbackBody({ type: 103, room: 1234, user, ms });

notePostgresSkipped();

describe.each(STORES)("events serve --forward ($name store)", (factory) => {
  it.skipIf(factory.skip)(
    "re-posts the raw body byte for byte with only Sign, SdkAppId and Content-Type, spelled as TRTC sent them, retrying a failure",
    async () => {
      const app = await appServer([500, 200]);
      const r = await forwarding(await freshStore(factory), { urls: [app.url] });
      const raw = body();
      expect(await r.send(raw, { ...signedHeaders(raw), "X-Request-Id": "abc" })).toBe(200);
      await until(() => r.forwarder.stats().delivered === 1, "the delivery");
      expect(app.got).toHaveLength(2);
      for (const { raw: got, headers, names } of app.got) {
        expect(got.equals(raw)).toBe(true);
        expect(headers).toMatchObject({ sign: signedHeaders(raw).Sign, sdkappid: String(APP), "content-type": "application/json" });
        // The names as they crossed the store and the wire: TRTC's spelling, not node's lower case.
        expect(names).toEqual(expect.arrayContaining(["Content-Type", "Sign", "SdkAppId"]));
        expect(names).not.toContain("X-Request-Id");
      }
      expect(r.forwarder.stats()).toEqual({ pending: 0, delivered: 1, givenUp: 0 });
      expect(await r.store.forwards.count([app.url])).toBe(0);
    },
  );

  it.skipIf(factory.skip)("never delays the answer when the app's receiver hangs; shutdown leaves the delivery in the store, not given up", async () => {
    const app = await appServer([-1]);
    const r = await forwarding(await freshStore(factory), { urls: [app.url], attemptTimeoutMs: 60_000 });
    const started = performance.now();
    expect(await r.send(body())).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
    await until(() => app.got.length === 1, "the attempt");
    await r.receiver.close(50);
    expect(r.gaveUp).toEqual([]);
    expect(r.forwarder.stats()).toMatchObject({ pending: 1, delivered: 0 });
    expect(await r.store.forwards.count([app.url])).toBe(1);
  });

  it.skipIf(factory.skip)("does not forward what it refused", async () => {
    const app = await appServer();
    const r = await forwarding(await freshStore(factory), { urls: [app.url] });
    expect(await r.send(body(), { Sign: "bad", SdkAppId: String(APP) })).toBe(401);
    expect(await r.store.forwards.count([app.url])).toBe(0);
    await r.receiver.close(1000);
    expect(app.got).toEqual([]);
  });

  it.skipIf(factory.skip)("a duplicate is stored once and forwarded once", async () => {
    const app = await appServer();
    const r = await forwarding(await freshStore(factory), { urls: [app.url] });
    expect(await r.send(body())).toBe(200);
    await until(() => r.forwarder.stats().delivered === 1, "the first delivery");
    expect(await r.send(body())).toBe(200);
    expect(r.outcomes).toEqual(["stored", "duplicate"]);
    // Deliveries are queued in the transaction that answers: none was for the duplicate.
    expect(await r.store.forwards.count([app.url])).toBe(0);
    await r.receiver.close(1000);
    expect(app.got).toHaveLength(1);
  });

  it.skipIf(factory.skip)("two receivers forwarding to each other stop after one round", async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const a = await forwarding(await freshStore(factory), { urls: [`http://127.0.0.1:${portB}/trtc`] }, portA);
    const b = await forwarding(await freshStore(factory), { urls: [`http://127.0.0.1:${portA}/trtc`] }, portB);
    expect(await a.send(body())).toBe(200);
    await until(() => a.outcomes.length === 2, "the event back at the first receiver");
    expect(a.outcomes).toEqual(["stored", "duplicate"]);
    expect(b.outcomes).toEqual(["stored"]);
    // The event can come back before the first receiver has taken the second's answer to its own delivery.
    await until(() => a.forwarder.stats().delivered === 1 && b.forwarder.stats().delivered === 1, "both deliveries settled");
    // Nothing is left to forward anywhere: the loop has ended.
    expect(await a.store.forwards.count([`http://127.0.0.1:${portB}/trtc`])).toBe(0);
    expect(await b.store.forwards.count([`http://127.0.0.1:${portA}/trtc`])).toBe(0);
    expect([a.forwarder.stats(), b.forwarder.stats()]).toEqual([
      { pending: 0, delivered: 1, givenUp: 0 },
      { pending: 0, delivered: 1, givenUp: 0 },
    ]);
  });

  // Several receivers share a store on PostgreSQL (behind a load balancer); the embedded file has one writer.
  it.skipIf(factory.skip || factory.name !== "PostgreSQL")("receivers sharing one store deliver each event once between them", async () => {
    const app = await appServer();
    const inventory = await freshStore(factory);
    const receivers = [await forwarding(inventory, { urls: [app.url] }), await forwarding(inventory, { urls: [app.url] })];
    const bodies = Array.from({ length: 40 }, (_, i) => body(`u${i}`, T + i));
    expect(await Promise.all(bodies.map((raw, i) => receivers[i % 2]!.send(raw)))).toEqual(bodies.map(() => 200));
    await until(async () => (await receivers[0]!.store.forwards.count([app.url])) === 0 && app.got.length >= 40, "every delivery");
    await Promise.all(receivers.map((r) => r.receiver.close(1000)));
    expect(app.got.map((g) => g.raw.toString()).sort()).toEqual(bodies.map((b) => b.toString()).sort());
  });

  it.skipIf(factory.skip)("a delivery left pending resumes when a receiver starts again on the store", async () => {
    const app = await appServer([503]);
    const inventory = await freshStore(factory);
    const first = await forwarding(inventory, { urls: [app.url] });
    expect(await first.send(body())).toBe(200);
    await until(() => app.got.length >= 1, "a failed attempt");
    await first.receiver.close(100);
    app.statuses.splice(0, 1, 200);
    const second = await forwarding(inventory, { urls: [app.url] });
    await until(() => second.forwarder.stats().delivered === 1, "the resumed delivery");
    expect(app.got.at(-1)!.raw.equals(body())).toBe(true);
    expect(await second.store.forwards.count([app.url])).toBe(0);
  });

  it.skipIf(factory.skip)("the one-minute give-up counts from the event's arrival, not from the restart", async () => {
    const app = await appServer([503]);
    const inventory = await freshStore(factory);
    const first = await forwarding(inventory, { urls: [app.url] });
    expect(await first.send(body())).toBe(200);
    await until(() => app.got.length >= 1, "a failed attempt");
    await first.receiver.close(100);
    app.statuses.splice(0, 1, 200);
    const attempts = app.got.length;
    // Restarted 61 s after the event arrived: the delivery is over, whatever the restart.
    const second = await forwarding(inventory, { urls: [app.url], now: () => Date.now() + 61_000 });
    await until(() => second.forwarder.stats().givenUp === 1, "the give-up");
    expect(second.gaveUp).toEqual([[app.url, "not delivered within one minute of arrival"]]);
    expect(app.got).toHaveLength(attempts);
    expect(await second.store.forwards.count([app.url])).toBe(0);
  });

  it.skipIf(factory.skip)("retries until one minute after arrival, then gives up, says so and counts it", async () => {
    const app = await appServer([500]);
    let later = 0;
    const r = await forwarding(await freshStore(factory), { urls: [app.url], now: () => Date.now() + later });
    expect(await r.send(body())).toBe(200);
    await until(() => app.got.length >= 2, "the immediate retry");
    later = 59_500;
    await until(() => r.forwarder.stats().givenUp === 1, "the give-up");
    expect(r.gaveUp).toEqual([[app.url, expect.stringMatching(/^not delivered within one minute of arrival/)]]);
    expect(r.forwarder.stats()).toEqual({ pending: 0, delivered: 0, givenUp: 1 });
  });

  it.skipIf(factory.skip)("a store failure while forwarding is reported once; the delivery goes out when the store answers again", async () => {
    const app = await appServer();
    const inventory = await freshStore(factory);
    const real = await openStore(inventory);
    cleanups.push(() => real.close());
    let failing = true;
    let polls = 0;
    const queue = new Proxy(real.forwards, {
      get:
        (target, name: keyof ForwardQueue) =>
        (...args: never[]) => {
          polls++;
          return failing ? Promise.reject(new Error("connection reset")) : (target[name] as (...a: never[]) => unknown).apply(target, args);
        },
    });
    const errors: string[] = [];
    const r = await forwarding(inventory, { urls: [app.url], queue, onStoreError: (err) => errors.push((err as Error).message) });
    expect(await r.send(body())).toBe(200);
    await until(() => polls >= 5, "a few polls of the failing store");
    expect(errors).toEqual(["connection reset"]);
    failing = false;
    await until(() => r.forwarder.stats().delivered === 1, "the delivery");
    expect(app.got.map((g) => g.raw)).toEqual([body()]);
  });

  it.skipIf(factory.skip)("bounded: past maxPending deliveries new events are stored but not forwarded, counted and warned once", async () => {
    const app = await appServer([-1]);
    const r = await forwarding(await freshStore(factory), { urls: [app.url], maxPending: 2, maxConcurrent: 1, attemptTimeoutMs: 60_000 });
    for (let i = 0; i < 4; i++) expect(await r.send(body(`u${i}`, T + i))).toBe(200);
    expect(r.outcomes).toEqual(["stored", "stored", "stored", "stored"]);
    expect(await r.store.forwards.count([app.url])).toBe(2);
    expect(r.forwarder.stats()).toMatchObject({ pending: 2, givenUp: 2 });
    expect(r.gaveUp).toEqual([[app.url, expect.stringContaining("2 deliveries already pending")]]);
    // In memory: one body claimed at a time (maxConcurrent), the other waits in the store.
    await until(() => app.got.length === 1, "the first attempt");
    await r.receiver.close(0);
    expect(app.got).toHaveLength(1);
  });
});

describe("a receiver's own address", () => {
  const self: [string, string][] = [
    ["127.0.0.1", "http://127.0.0.1:8787/trtc"],
    ["127.0.0.1", "http://localhost:8787/trtc"],
    ["127.0.0.1", "http://0.0.0.0:8787/trtc?from=tee"],
    ["127.0.0.1", "http://[::1]:8787/trtc"],
    ["0.0.0.0", "http://127.0.0.1:8787/trtc"],
    ["0.0.0.0", `http://${hostname()}:8787/trtc`],
    ["localhost", "http://127.0.0.1:8787/a/../trtc"],
  ];
  it.each(self)("listening on %s, %s is itself", (host, url) => {
    expect(forwardsToItself(url, host, 8787, "/trtc")).toBe(true);
  });

  const other: [string, string][] = [
    ["127.0.0.1", "http://127.0.0.1:8788/trtc"],
    ["127.0.0.1", "http://127.0.0.1:8787/trtc/"],
    ["127.0.0.1", "https://127.0.0.1:8787/trtc"],
    ["127.0.0.1", "http://10.1.2.3:8787/trtc"],
    ["10.1.2.3", "http://127.0.0.1:8787/trtc"],
    ["127.0.0.1", "http://app.example.com:8787/trtc"],
  ];
  it.each(other)("listening on %s, %s is another receiver", (host, url) => {
    expect(forwardsToItself(url, host, 8787, "/trtc")).toBe(false);
  });
});
