import { describe, expect, it } from "vitest";
import { main } from "../../src/commands/program.js";
import { openStore } from "../../src/store/open.js";
import { APP, fakeIo, KEY, STORES } from "./helpers.js";
import { event } from "./store-events.js";

const DAY = 86_400_000;

/** A store with two events ten days old and one from an hour ago, in two live rooms, and room 9 opened and dismissed nine days ago. */
async function seeded() {
  const { url, cleanup } = await STORES[0]!.fresh();
  const now = Date.now();
  const store = await openStore(url);
  await store.append([event(103, 1, now - 10 * DAY, "old"), event(101, "s", now - 10 * DAY), event(103, "s", now - 3_600_000, "new")]);
  await store.append([event(101, 9, now - 10 * DAY), event(102, 9, now - 9 * DAY)]);
  // What is left after a prune: the two live rooms (room 9 is forgotten with its events).
  const rooms = (await store.listRooms(APP, { all: true })).filter((r) => r.live);
  await store.close();
  const remaining = async () => {
    const s = await openStore(url);
    try {
      return { events: (await s.prune(APP, Date.now(), { dryRun: true })).events, rooms: await s.listRooms(APP, { all: true }) };
    } finally {
      await s.close();
    }
  };
  return { url, rooms, remaining, cleanup };
}

describe("events prune", () => {
  it("--dry-run counts and deletes nothing; then deletes exactly the events older than --older-than and the room closed before then, live rooms unchanged", async () => {
    const { url, rooms, remaining, cleanup } = await seeded();
    const env = { TRTC_SDK_APP_ID: String(APP), TRTC_INVENTORY: url };
    const dry = fakeIo(env);
    expect(await main(["events", "prune", "--older-than", "7d", "--dry-run", "--json"], dry.io)).toBe(0);
    expect(JSON.parse(dry.stdout())).toMatchObject({ ok: true, dryRun: true, pruned: { events: 4, departed: 0, closedRooms: 1 } });
    const untouched = await remaining();
    expect([untouched.events, untouched.rooms.map((r) => r.roomId)]).toEqual([5, [1, 9, "s"]]);
    const run = fakeIo(env);
    expect(await main(["events", "prune", "--older-than", "7d"], run.io)).toBe(0);
    expect(run.stdout()).toMatch(
      /^deleted 4 events with an event time before \S+Z, the marks of 0 users gone before then, and 1 room closed before then; live rooms, members and bans unchanged\n$/,
    );
    expect(await remaining()).toEqual({ events: 1, rooms });
    await cleanup();
  });

  it("a bad duration is exit 2; a missing embedded store is exit 3 and is not created", async () => {
    const { url, cleanup } = await STORES[0]!.fresh();
    const bad = fakeIo({ TRTC_SDK_APP_ID: String(APP), TRTC_INVENTORY: url });
    expect(await main(["events", "prune", "--older-than", "7 days"], bad.io)).toBe(2);
    const missing = fakeIo({ TRTC_SDK_APP_ID: String(APP), TRTC_INVENTORY: url });
    expect(await main(["events", "prune", "--older-than", "7d"], missing.io)).toBe(3);
    expect(missing.stderr()).toContain(`no inventory at ${url.slice("file:".length)}`);
    const { existsSync } = await import("node:fs");
    expect(existsSync(url.slice("file:".length))).toBe(false);
    await cleanup();
  });
});

describe("events serve --retain", () => {
  it("prunes what is older than the window when it starts, and keeps serving", async () => {
    const { url, rooms, remaining, cleanup } = await seeded();
    const run = fakeIo({ TRTC_SDK_APP_ID: String(APP), TRTC_CALLBACK_KEY: KEY, TRTC_INVENTORY: url });
    const exited = main(["events", "serve", "--port", "0", "--retain", "2d"], run.io);
    await run.stderrMatch(/retention:/, exited);
    expect(run.stderr()).toMatch(/retention: deleted 4 events and 1 closed room older than \S+Z\n/);
    run.abort.abort();
    expect(await exited).toBe(0);
    expect(await remaining()).toEqual({ events: 1, rooms });
    await cleanup();
  });

  it("refuses a bad --retain with exit 2 before opening anything", async () => {
    const run = fakeIo({ TRTC_SDK_APP_ID: String(APP), TRTC_CALLBACK_KEY: KEY });
    expect(await main(["events", "serve", "--port", "0", "--retain", "forever"], run.io)).toBe(2);
    expect(run.stderr()).toContain('invalid --retain "forever"');
  });
});
