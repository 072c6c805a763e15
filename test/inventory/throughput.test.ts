import { describe, expect, it } from "vitest";
import { startReceiver } from "../../src/events/receiver.js";
import { openStore } from "../../src/store/open.js";
import { APP, callbackBody, KEY, signedHeaders, STORES } from "./helpers.js";
import { blast } from "./load.js";

const SECONDS = 3;
const CONCURRENCY = 64;

describe("events serve throughput (embedded store)", () => {
  it(`answers ≥ 2,000 signed events/s, each stored before its 200, sustained over ${SECONDS} s`, async () => {
    const { url, cleanup } = await STORES[0]!.fresh();
    const store = await openStore(url);
    const receiver = await startReceiver({ host: "127.0.0.1", port: 0, path: "/", expected: { key: KEY, sdkAppId: APP }, sink: store, onEvent: () => undefined, onReject: () => undefined, onStoreError: () => undefined });
    const t0 = Date.now();
    // Many clients joining at once: a 101 and a burst of 103s across a few thousand rooms, from 64 connections.
    const load = await blast(
      receiver.url,
      (i) => {
        const raw = callbackBody({ type: i % 10 === 0 ? 101 : 103, room: 1 + (i % 3000), user: `u${i}`, ms: t0 + i });
        return { raw, headers: signedHeaders(raw) };
      },
      CONCURRENCY,
      SECONDS,
    );
    const rate = load.sent / load.seconds;
    console.log(`events serve, embedded store: ${load.sent} events in ${load.seconds.toFixed(2)} s = ${rate.toFixed(0)} events/s`);
    await receiver.close();
    const members = (await store.listRooms(APP, {})).reduce((n, r) => n + r.members.length, 0);
    await store.close();
    await cleanup();
    expect(load.statuses).toEqual({ 200: load.sent });
    // Every 200 was a durable store: each 103 is a member now.
    expect(members).toBe(load.sent - Math.ceil(load.sent / 10));
    expect(rate).toBeGreaterThanOrEqual(2000);
  });
});
