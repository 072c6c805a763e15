import { describe, expect, it } from "vitest";
import type { IncomingEvent } from "../../src/events/types.js";
import { main } from "../../src/commands/program.js";
import { openStore } from "../../src/store/open.js";
import { APP, fakeIo, STORES } from "./helpers.js";

const ROOMS = 100_000;

describe("rooms list at scale (embedded store)", () => {
  it(`lists ${ROOMS.toLocaleString("en")} live rooms in under 2 s`, async () => {
    const { url, cleanup } = await STORES[0]!.fresh();
    const store = await openStore(url);
    const t0 = Date.UTC(2026, 10, 20);
    // Fast to build: one 103 per room, stored in large batches (the fold is the same as the receiver's).
    for (let i = 0; i < ROOMS; i += 2000) {
      const batch: IncomingEvent[] = [];
      for (let r = i; r < i + 2000; r++) {
        const room = { type: 103 as const, roomId: r % 2 ? r + 1 : `ci-${r}`, roomIdType: r % 2 ? ("numeric" as const) : ("string" as const), userId: `u${r}`, eventMs: t0 + r, role: "anchor" as const, reason: null };
        batch.push({ sdkAppId: APP, event: { groupId: 1, type: 103, callbackMs: t0 + r, room }, raw: Buffer.from("{}"), source: "trtc" });
      }
      await store.append(batch);
    }
    await store.close();

    const run = fakeIo({ TRTC_SDK_APP_ID: String(APP), TRTC_INVENTORY: url });
    const started = performance.now();
    const code = await main(["rooms", "list", "--output", "ndjson"], run.io);
    const ms = performance.now() - started;
    console.log(`rooms list of ${ROOMS} live rooms (ndjson, in-process, store opened and closed): ${ms.toFixed(0)} ms`);
    const lines = run.stdout().trimEnd().split("\n");
    await cleanup();
    expect(code).toBe(0);
    expect(lines).toHaveLength(ROOMS + 1);
    expect(JSON.parse(lines.at(-1)!)).toEqual({ summary: { count: ROOMS } });
    expect(ms).toBeLessThan(2000);
  });
});
