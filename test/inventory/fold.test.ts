import { describe, expect, it } from "vitest";
import { type FoldEvent, needsMembers, type RoomLog, type RoomMarks, rankOf, settleRoom, type UserMarks } from "../../src/events/fold.js";
import { foldEvents, type RoomState } from "./reference-fold.js";
import { pick, prng, roomLife, shuffledWithDuplicates } from "./sequences.js";

const ev = (type: FoldEvent["type"], eventMs: number, userId = "", role: FoldEvent["role"] = type === 103 || type === 105 ? "anchor" : null): FoldEvent => ({
  type,
  userId,
  eventMs,
  role,
});
const members = (s: RoomState) => Object.fromEntries([...s.members].sort(([a], [b]) => (a < b ? -1 : 1)));
const snapshot = (s: RoomState) => ({ live: s.live, createdMs: s.createdMs, lastMs: s.lastMs, closedMs: s.closedMs, members: members(s) });
const keyOf = (e: FoldEvent) => `${e.type}|${e.userId}|${e.eventMs}`;

/** The store's fold in memory: marks kept per room and user, the log only for the lookups a late event asks for. */
class MemoryRoom {
  marks: RoomMarks | undefined;
  readonly users = new Map<string, UserMarks>();
  readonly log = new Map<string, FoldEvent>();
  lookups = 0;

  /** The extreme time of the logged events that match, as one index probe would find it. */
  private probe(pick: (...t: number[]) => number, match: (e: FoldEvent) => boolean): number | null {
    this.lookups++;
    const found = pick(...[...this.log.values()].filter(match).map((e) => e.eventMs));
    return Number.isFinite(found) ? found : null;
  }

  private readonly probes: RoomLog = {
    latestCloseBefore: async (ms) => this.probe(Math.max, (e) => e.type === 102 && e.eventMs < ms),
    firstOpenAfter: async (ms) => this.probe(Math.min, (e) => (e.type === 101 || e.type === 103) && e.eventMs > (ms ?? -1)),
    firstEnterAfter: async (u, ms) => this.probe(Math.min, (e) => e.type === 103 && e.userId === u && e.eventMs > (ms ?? -1)),
  };

  async arrive(batch: FoldEvent[]): Promise<this> {
    const fresh = batch.filter((e) => !this.log.has(keyOf(e)) && this.log.set(keyOf(e), e));
    if (fresh.length === 0) return this;
    const given = new Map([...this.users].filter(([u, m]) => fresh.some((e) => e.userId === u) || (needsMembers(this.marks, fresh) && m.sinceMs !== null)));
    const settled = await settleRoom(this.marks, given, fresh, this.probes);
    if (settled.clearMembers) for (const m of this.users.values()) m.sinceMs = null;
    for (const [u, m] of settled.users) this.users.set(u, m);
    this.marks = settled.room;
    return this;
  }

  view() {
    const m = this.marks!;
    const inRoom = [...this.users].filter(([, u]) => u.sinceMs !== null).sort(([a], [b]) => (a < b ? -1 : 1));
    expect(m.memberCount).toBe(inRoom.length);
    return {
      live: m.live,
      createdMs: m.createdMs,
      lastMs: m.lastMs,
      closedMs: m.closedMs,
      members: Object.fromEntries(inRoom.map(([u, x]) => [u, { role: x.role, sinceMs: x.sinceMs }])),
    };
  }
}

/** Events arriving one at a time in the order given, each checked against the oracle's fold of the same log. */
async function folded(arrivals: FoldEvent[]) {
  const view = (await foldArrivals(arrivals)).view();
  expect(view).toEqual(snapshot(foldEvents(arrivals)));
  return view;
}

async function foldArrivals(arrivals: FoldEvent[], batch = 1): Promise<MemoryRoom> {
  const room = new MemoryRoom();
  for (let i = 0; i < arrivals.length; i += batch) await room.arrive(arrivals.slice(i, i + batch));
  return room;
}

/** Any events at all, in no story's order: the rules must hold for whatever TRTC (or a forger with the key) sends. */
function chaos(rand: () => number, n: number): FoldEvent[] {
  const out = new Map<string, FoldEvent>();
  for (let i = 0; i < n; i++) {
    const e = ev(
      pick(rand, [101, 102, 103, 103, 104, 104, 105] as const),
      Math.floor(rand() * 12),
      `u${Math.floor(rand() * 3)}`,
      pick(rand, ["anchor", "audience"] as const),
    );
    const fixed = e.type === 101 || e.type === 102 ? { ...e, userId: "", role: null } : e.type === 104 ? { ...e, role: null } : e;
    out.set(keyOf(fixed), fixed);
  }
  return [...out.values()];
}

describe("fold rules", () => {
  it("103 adds a member with its role and time; a 101's UserId does not", async () => {
    expect(await folded([ev(101, 10, "owner"), ev(103, 11, "alice", "audience")])).toEqual({
      live: true,
      createdMs: 10,
      lastMs: 11,
      closedMs: null,
      members: { alice: { role: "audience", sinceMs: 11 } },
    });
  });

  it("orders by EventMsTs, not arrival: a 104 that arrives before its 103 still leaves the user out", async () => {
    expect((await folded([ev(104, 20, "alice"), ev(103, 10, "alice")])).members).toEqual({});
  });

  it("breaks ties 101, 103, 105, 104, 102", async () => {
    expect((await folded([ev(104, 5, "a"), ev(103, 5, "a")])).members).toEqual({});
    expect((await folded([ev(105, 5, "a", "audience"), ev(103, 5, "a", "anchor")])).members).toEqual({ a: { role: "audience", sinceMs: 5 } });
    expect(await folded([ev(102, 5), ev(103, 5, "a")])).toMatchObject({ live: false, closedMs: 5 });
    expect(await folded([ev(103, 5, "a"), ev(101, 5)])).toMatchObject({ live: true, createdMs: 5 });
  });

  it("102 closes and empties; a later 101 or 103 re-opens with a new createdAt; a later 104 or 105 does not", async () => {
    const closed = [ev(103, 1, "a"), ev(103, 2, "b"), ev(102, 3)];
    expect(await folded(closed)).toMatchObject({ live: false, closedMs: 3, members: {} });
    expect(await folded([...closed, ev(104, 4, "a"), ev(105, 5, "b")])).toMatchObject({ live: false, closedMs: 3, lastMs: 5, members: {} });
    expect(await folded([...closed, ev(103, 6, "c")])).toMatchObject({ live: true, createdMs: 6, closedMs: null, members: { c: { sinceMs: 6 } } });
    expect(await folded([...closed, ev(101, 6)])).toMatchObject({ live: true, createdMs: 6 });
  });

  it("an event earlier than the 102 does not re-open, whenever it arrives", async () => {
    expect(await folded([ev(103, 1, "a"), ev(102, 5), ev(103, 4, "b")])).toMatchObject({ live: false, members: {} });
  });

  it("a late 104 inside a stay of repeated 103s starts the stay again at the next 103", async () => {
    expect((await folded([ev(103, 1, "a"), ev(103, 5, "a"), ev(103, 9, "a"), ev(104, 3, "a")])).members).toEqual({ a: { role: "anchor", sinceMs: 5 } });
  });

  it("a late 102 re-dates the room's life and removes only those who entered before it", async () => {
    const s = await folded([ev(101, 1), ev(103, 2, "a"), ev(103, 6, "b"), ev(103, 7, "a"), ev(102, 4)]);
    expect(s).toEqual({
      live: true,
      createdMs: 6,
      lastMs: 7,
      closedMs: null,
      members: { a: { role: "anchor", sinceMs: 7 }, b: { role: "anchor", sinceMs: 6 } },
    });
  });

  it("a room seen only leaving has no createdAt and is not live", async () => {
    expect(await folded([ev(104, 7, "a")])).toMatchObject({ live: false, createdMs: null, lastMs: 7 });
  });

  it("a repeated 103 without a 104 keeps the first since", async () => {
    expect((await folded([ev(103, 1, "a"), ev(103, 9, "a", "audience")])).members).toEqual({ a: { role: "audience", sinceMs: 1 } });
  });
});

describe("fold properties (seeded)", () => {
  it("any permutation with duplicates, one by one or in batches, folds to the room the whole log describes", async () => {
    for (let seed = 1; seed <= 400; seed++) {
      const rand = prng(seed);
      const life = seed % 2 ? roomLife(rand, 5 + Math.floor(rand() * 60)) : chaos(rand, 4 + Math.floor(rand() * 30));
      const expected = snapshot(foldEvents(life));
      for (let k = 0; k < 4; k++) {
        const arrivals = shuffledWithDuplicates(rand, life);
        expect((await foldArrivals(arrivals, 1 + (k % 3) * 4)).view(), `seed ${seed}, permutation ${k}`).toEqual(expected);
      }
    }
  });

  it("in TRTC's own order, the fold agrees with the room the sequence describes and reads no history", async () => {
    for (let seed = 1; seed <= 100; seed++) {
      const life = roomLife(prng(seed), 40);
      const room = await foldArrivals(life);
      const last = life.at(-1)!;
      expect(room.view(), `seed ${seed}`).toEqual(snapshot(foldEvents(life)));
      expect(room.marks!.live, `seed ${seed}`).toBe(last.type !== 102);
      expect(room.lookups, `seed ${seed}`).toBe(0);
    }
  });

  it("a late event costs a few probes, however long the room's history", async () => {
    const probesFor = async (history: number) => {
      const life = roomLife(prng(7), history);
      const late = life.splice(Math.floor(history / 2), 1);
      const room = await foldArrivals(life, 50);
      room.lookups = 0;
      await room.arrive(late);
      expect(room.view()).toEqual(snapshot(foldEvents([...life, ...late])));
      return room.lookups;
    };
    const [short, long] = [await probesFor(200), await probesFor(5000)];
    expect(long).toBeLessThanOrEqual(3);
    expect(short).toBeLessThanOrEqual(3);
  });

  it("ranks ties 101, 103, 105, 104, 102", () => {
    expect([101, 102, 103, 104, 105].map((t) => rankOf(t as FoldEvent["type"]))).toEqual([0, 4, 1, 3, 2]);
  });
});
