import { describe, expect, it } from "vitest";
import { main } from "../../src/commands/program.js";
import { parseCallback } from "../../src/events/parse.js";
import type { IncomingEvent } from "../../src/events/types.js";
import { openStore } from "../../src/store/open.js";
import { ndjson } from "../helpers/bulk.js";
import { APP, callbackBody, fakeIo, notePostgresSkipped, rawSql, STORES, type StoreFactory } from "./helpers.js";
import { event } from "./store-events.js";

const T = Date.parse("2026-12-07T10:00:00.000Z");

/** A 104 as TRTC sends it with this Reason (2 timed out, 3 kicked). */
function withReason(e: IncomingEvent, reason: number): IncomingEvent {
  return { ...e, event: { ...e.event, room: { ...e.event.room!, reason } } };
}

async function seeded(factory: StoreFactory) {
  const { url, cleanup } = await factory.fresh();
  const store = await openStore(url);
  // Arrival order is not event order: history is by event time, ties in the fold's order.
  await store.append([event(104, 1234, T + 3000, "troll", null)]);
  await store.append([
    event(103, 1234, T + 1000, "troll"),
    event(101, 1234, T),
    event(103, 1234, T + 1000, "alice", "audience"),
    event(103, "1234", T, "other"),
  ]);
  await store.append([withReason(event(104, 1234, T + 5000, "alice", null), 2), withReason(event(104, 1234, T + 4000, "troll", null), 3)]);
  await store.closeRooms(APP, [{ room: { roomIdType: "numeric", roomId: 1234 }, atMs: T + 6000 }]);
  await store.close();
  return { env: { TRTC_SDK_APP_ID: String(APP), TRTC_INVENTORY: url }, cleanup };
}

notePostgresSkipped();

describe.each(STORES)("rooms history ($name store)", (factory) => {
  it.skipIf(factory.skip)("lists the room's stored events oldest first, with user, role, reason and source (json)", async () => {
    const { env, cleanup } = await seeded(factory);
    const run = fakeIo(env);
    expect(await main(["rooms", "history", "1234", "--json"], run.io)).toBe(0);
    const doc = JSON.parse(run.stdout());
    expect(doc.ok).toBe(true);
    expect(doc.events).toEqual([
      { eventType: 101, at: "2026-12-07T10:00:00.000Z", source: "callback" },
      { eventType: 103, at: "2026-12-07T10:00:01.000Z", userId: "troll", role: "anchor", source: "callback" },
      { eventType: 103, at: "2026-12-07T10:00:01.000Z", userId: "alice", role: "audience", source: "callback" },
      { eventType: 104, at: "2026-12-07T10:00:03.000Z", userId: "troll", reason: 1, source: "callback" },
      { eventType: 104, at: "2026-12-07T10:00:04.000Z", userId: "troll", reason: 3, source: "callback" },
      { eventType: 104, at: "2026-12-07T10:00:05.000Z", userId: "alice", reason: 2, source: "callback" },
      { eventType: 102, at: "2026-12-07T10:00:06.000Z", source: "dismissal" },
    ]);
    expect(doc.summary).toEqual({ count: 7 });
    expect(doc.coverage).toEqual({ since: expect.stringMatching(/Z$/), lastEventAt: expect.stringMatching(/Z$/) });
    await cleanup();
  });

  it.skipIf(factory.skip)("pretty is a timeline with reasons in words; ndjson is one event a line; the string room is another room", async () => {
    const { env, cleanup } = await seeded(factory);
    const pretty = fakeIo(env);
    expect(await main(["rooms", "history", "1234"], pretty.io)).toBe(0);
    expect(pretty.stdout()).toContain("2026-12-07 10:00:04.000Z  104  left troll (kicked)\n");
    expect(pretty.stdout()).toContain("2026-12-07 10:00:01.000Z  103  entered alice as audience\n");
    expect(pretty.stdout()).toContain("2026-12-07 10:00:06.000Z  102  room dismissed (recorded by trtc-admin's dismissal)\n");
    expect(pretty.stdout()).toMatch(/7 events\ncallbacks received since \S+Z \(latest \S+Z\): rooms and members from before are unknown\n$/);
    const ndjson = fakeIo(env);
    expect(await main(["rooms", "history", "--str-room", "1234", "-o", "ndjson"], ndjson.io)).toBe(0);
    expect(
      ndjson
        .stdout()
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { eventType: 103, at: "2026-12-07T10:00:00.000Z", userId: "other", role: "anchor", source: "callback" },
      { summary: { count: 1 }, coverage: { since: expect.any(String), lastEventAt: expect.any(String) } },
    ]);
    await cleanup();
  });

  it.skipIf(factory.skip)("--since keeps the last <dur> of events; a bad duration or room id is exit 2", async () => {
    const { env, cleanup } = await seeded(factory);
    const run = fakeIo(env);
    expect(await main(["rooms", "history", "1234", "--since", "1h", "--json"], run.io)).toBe(0);
    expect(JSON.parse(run.stdout()).events).toEqual([]);
    expect(await main(["rooms", "history", "1234", "--since", "soon"], fakeIo(env).io)).toBe(2);
    expect(await main(["rooms", "history", "r".repeat(65)], fakeIo(env).io)).toBe(2);
    await cleanup();
  });

  it.skipIf(factory.skip)("a 104 stored before the reason column shows the Reason of its body, in pages of any depth", async () => {
    const { url, cleanup } = await factory.fresh();
    const store = await openStore(url);
    // 1,200 leaves, so that legacy rows fall on both pages; Reason 3 (kicked) in every other body.
    const leaves = Array.from({ length: 1200 }, (_, i) => {
      const raw = callbackBody({ type: 104, room: 7, user: `u${i}`, ms: T + i, reason: i % 2 ? 3 : 2 });
      return { sdkAppId: APP, event: parseCallback(raw), raw, source: "trtc" as const };
    });
    await store.append(leaves);
    await store.close();
    await rawSql(url, "UPDATE events SET reason = NULL");
    const run = fakeIo({ TRTC_SDK_APP_ID: String(APP), TRTC_INVENTORY: url });
    expect(await main(["rooms", "history", "7", "-o", "ndjson"], run.io)).toBe(0);
    const shown = ndjson(run.stdout()).results;
    expect(shown.map((e) => `${e.userId} ${e.reason}`)).toEqual(leaves.map((_, i) => `u${i} ${i % 2 ? 3 : 2}`));
    await cleanup();
  });

  it.skipIf(factory.skip)("pages through a long history without losing or repeating an event, ties included", async () => {
    const { url, cleanup } = await factory.fresh();
    const store = await openStore(url);
    // 2,600 events, three to a millisecond (103, 105, 104 of one user), so pages end inside ties.
    const events = Array.from({ length: 866 }, (_, i) => [
      event(103, 9, T + i, `u${i}`),
      event(105, 9, T + i, `u${i}`, "audience"),
      event(104, 9, T + i, `u${i}`, null),
    ]).flat();
    for (let i = 0; i < events.length; i += 500) await store.append(events.slice(i, i + 500).reverse());
    await store.close();
    const run = fakeIo({ TRTC_SDK_APP_ID: String(APP), TRTC_INVENTORY: url });
    expect(await main(["rooms", "history", "9", "-o", "ndjson"], run.io)).toBe(0);
    const { results, summary } = ndjson(run.stdout());
    expect(summary).toMatchObject({ count: 2598 });
    expect(results.map((e) => `${e.at} ${e.eventType} ${e.userId}`)).toEqual(
      Array.from({ length: 866 }, (_, i) => [103, 105, 104].map((t) => `${new Date(T + i).toISOString()} ${t} u${i}`)).flat(),
    );
    await cleanup();
  });
});
