import { describe, expect, it, vi } from "vitest";
import { main } from "../../src/commands/program.js";
import { safeJson } from "../../src/output/escape.js";
import { openStore } from "../../src/store/open.js";
import { APP, fakeIo, STORES } from "./helpers.js";
import { event } from "./store-events.js";

/** Fixed times, so the whole output is fixed: one at a second's start, one at its end, a day later, and so on. */
const T = Date.UTC(2026, 0, 2, 3, 4, 5, 6);
const ARRIVED = Date.UTC(2026, 0, 3);
const UNTIL = Date.UTC(2100, 0, 1);

/**
 * Rooms and bans whose output tells escaping, ordering and nulls apart: odd characters (callbacks refuse
 * control characters; a ban's fields reach the store unparsed), ties, closed and never-opened rooms.
 */
async function seeded(url: string): Promise<void> {
  const store = await openStore(url);
  vi.useFakeTimers({ toFake: ["Date"], now: ARRIVED });
  try {
    await store.append([
      event(103, 42, T, "b"),
      event(103, 42, T, "a", "audience"),
      event(103, 42, T - 1, "\u00e9t\u00e9"),
      // Tied members by user id in UTF-8 byte order (both stores' order), where UTF-16 order differs.
      event(103, 42, T, "\uff5e"),
      event(103, 42, T, "\ud83d\ude00"),
      event(103, 7, T + 994, "x<y>z"),
      event(101, 100, T + 86_400_000),
      event(103, 4294967294, T - 86_400_000 * 400, 'u"q\\s'),
      event(103, 'q"uote\\back', T + 1000, "\ud83d\ude00"),
      event(103, "\u00e9-\ud83d\ude00-\u2028", T, "z"),
      event(103, "closed", T - 5000, "gone"),
      event(102, "closed", T - 1000),
      event(102, "never-opened", T - 999),
      event(101, "ci-10", T),
      event(101, "ci-9", T + 1),
    ]);
    await store.addBans(
      [
        { sdkAppId: APP, room: null, userId: "x\u0085y", reason: 'said "no"', untilMs: UNTIL },
        { sdkAppId: APP, room: { roomIdType: "numeric", roomId: 42 }, userId: "a", reason: null, untilMs: UNTIL },
        { sdkAppId: APP, room: { roomIdType: "string", roomId: "\u00e9" }, userId: "\ud83d\ude00", reason: "\t", untilMs: ARRIVED + 1 },
      ],
      ARRIVED - 1,
    );
  } finally {
    vi.useRealTimers();
    await store.close();
  }
}

async function cli(url: string, args: string[]): Promise<string> {
  const run = fakeIo({ TRTC_SDK_APP_ID: String(APP), TRTC_INVENTORY: url });
  vi.useFakeTimers({ toFake: ["Date"], now: ARRIVED + 10 });
  try {
    expect(await main(args, run.io), run.stderr()).toBe(0);
  } finally {
    vi.useRealTimers();
  }
  return run.stdout();
}

describe.each(STORES)("list output bytes ($name)", (factory) => {
  it.skipIf(factory.skip)(
    "rooms list and bans list print the same bytes in every format as the reference listing, each record as JSON.stringify writes it",
    async () => {
      const { url, cleanup } = await factory.fresh();
      await seeded(url);
      for (const format of ["ndjson", "json", "pretty"]) {
        const rooms = await cli(url, ["rooms", "list", "--all", "--output", format]);
        await expect(rooms).toMatchFileSnapshot(`__snapshots__/list-bytes.rooms.${format}.txt`);
        const bans = await cli(url, ["bans", "list", "--all", "--output", format]);
        await expect(bans).toMatchFileSnapshot(`__snapshots__/list-bytes.bans.${format}.txt`);
        if (format === "ndjson") {
          // Every line is its record exactly as safeJson (JSON.stringify, DEL and C1 escaped) writes it.
          for (const line of `${rooms}${bans}`.trimEnd().split("\n")) expect(line).toBe(safeJson(JSON.parse(line)));
        }
      }
      await cleanup();
    },
  );
});
