import { describe, expect, it } from "vitest";
import type { PlannedRequest, Result } from "../../src/plan/types.js";
import { RoomCloser } from "../../src/store/live.js";
import type { InventoryStore, RoomClose } from "../../src/store/types.js";

const APP = 1400000001;
const request = (id: number): PlannedRequest => ({ action: "DismissRoom", sdkAppId: APP, room: { roomId: id, roomIdType: "numeric" } });
const done = (id: number): Result => ({ action: "DismissRoom", sdkAppId: APP, roomId: id, roomIdType: "numeric", status: "done", requestId: "r", attempts: 1 });

/** A store whose closeRooms fails `failures` times, or never answers once `hang` is set. */
function fakeStore(failures: number, hang = false) {
  const written: RoomClose[] = [];
  let calls = 0;
  const store = {
    async closeRooms(_app: number, closes: RoomClose[]) {
      calls++;
      if (hang) return new Promise<void>(() => {});
      if (calls <= failures) throw new Error("SQLITE_BUSY: database is locked");
      written.push(...closes);
    },
    async liveAmong() {
      return [];
    },
  } as unknown as InventoryStore;
  return { store, written, calls: () => calls };
}

async function run(closer: RoomCloser, n: number): Promise<void> {
  const requests = (async function* () {
    for (let i = 1; i <= n; i++) yield request(i);
  })();
  for await (const r of closer.track(requests)) closer.add(done(r.room.roomId as number));
}

describe("RoomCloser", () => {
  it("a store busy for one write: nothing more is written during the run, and every close is written at the end", async () => {
    const fake = fakeStore(1);
    const closer = new RoomCloser(APP, async () => fake.store, { onlyLive: false });
    await run(closer, 1600);
    expect(fake.calls()).toBe(1);
    expect(await closer.finish(new AbortController().signal)).toEqual({ closed: 1600, notClosed: 0, error: undefined });
    expect(fake.written.map((c) => c.room.roomId)).toEqual(Array.from({ length: 1600 }, (_, i) => i + 1));
  });

  it("an interrupt still writes the closes of the rooms already done", async () => {
    const fake = fakeStore(0);
    const closer = new RoomCloser(APP, async () => fake.store, { onlyLive: false });
    await run(closer, 16);
    const interrupt = new AbortController();
    interrupt.abort();
    expect(await closer.finish(interrupt.signal)).toEqual({ closed: 16, notClosed: 0, error: undefined });
    expect(fake.written).toHaveLength(16);
  });

  it("a store that never answers: the wait ends a grace period after the interrupt, and the closes not written are counted", async () => {
    const fake = fakeStore(0, true);
    const closer = new RoomCloser(APP, async () => fake.store, { onlyLive: false, graceMs: 10 });
    await run(closer, 10);
    const interrupt = new AbortController();
    const finished = closer.finish(interrupt.signal);
    setTimeout(() => interrupt.abort(), 20);
    expect(await finished).toEqual({ closed: 0, notClosed: 10, error: undefined });
  });

  it("onlyLive: rooms the inventory does not show live are not written", async () => {
    const fake = fakeStore(0);
    const closer = new RoomCloser(APP, async () => fake.store, { onlyLive: true });
    await run(closer, 3);
    expect(await closer.finish(new AbortController().signal)).toEqual({ closed: 0, notClosed: 0, error: undefined });
    expect(fake.calls()).toBe(0);
  });
});
