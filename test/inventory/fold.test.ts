import { describe, expect, it } from "vitest";
import { applyEvent, emptyRoom, type FoldEvent, foldEvents, isInOrder, type RoomState } from "../../src/events/fold.js";
import { prng, roomLife, shuffledWithDuplicates } from "./sequences.js";

const ev = (type: FoldEvent["type"], eventMs: number, userId = "", role: FoldEvent["role"] = type === 103 || type === 105 ? "anchor" : null): FoldEvent => ({
  type,
  userId,
  eventMs,
  role,
});
const members = (s: RoomState) => Object.fromEntries([...s.members].sort(([a], [b]) => (a < b ? -1 : 1)));
const snapshot = (s: RoomState) => ({ ...s, members: members(s) });
const keyOf = (e: FoldEvent) => `${e.type}|${e.userId}|${e.eventMs}`;

/** Arrival-order folding as the store does it: drop what was seen, apply on top when in order, else re-fold the log. */
function foldArrivals(arrivals: FoldEvent[]): RoomState {
  const log = new Map<string, FoldEvent>();
  let state = emptyRoom();
  for (const e of arrivals) {
    if (log.has(keyOf(e))) continue;
    log.set(keyOf(e), e);
    state = isInOrder(state, e) ? applyEvent(state, e) : foldEvents([...log.values()]);
  }
  return state;
}

describe("fold rules", () => {
  it("103 adds a member with its role and time; a 101's UserId does not", () => {
    const s = foldEvents([ev(101, 10, "owner"), ev(103, 11, "alice", "audience")]);
    expect(snapshot(s)).toMatchObject({ live: true, createdMs: 10, lastMs: 11, closedMs: null, members: { alice: { role: "audience", sinceMs: 11 } } });
  });

  it("orders by EventMsTs, not arrival: a 104 that arrives before its 103 still leaves the user out", () => {
    expect(members(foldArrivals([ev(104, 20, "alice"), ev(103, 10, "alice")]))).toEqual({});
  });

  it("breaks ties 101, 103, 105, 104, 102", () => {
    expect(members(foldEvents([ev(104, 5, "a"), ev(103, 5, "a")]))).toEqual({});
    expect(members(foldEvents([ev(105, 5, "a", "audience"), ev(103, 5, "a", "anchor")]))).toEqual({ a: { role: "audience", sinceMs: 5 } });
    expect(foldEvents([ev(102, 5), ev(103, 5, "a")])).toMatchObject({ live: false, closedMs: 5 });
    expect(foldEvents([ev(103, 5, "a"), ev(101, 5)])).toMatchObject({ live: true, createdMs: 5 });
  });

  it("102 closes and empties; a later 101 or 103 re-opens with a new createdAt; a later 104 or 105 does not", () => {
    const closed = [ev(103, 1, "a"), ev(103, 2, "b"), ev(102, 3)];
    expect(snapshot(foldEvents(closed))).toMatchObject({ live: false, closedMs: 3, members: {} });
    expect(foldEvents([...closed, ev(104, 4, "a"), ev(105, 5, "b")])).toMatchObject({ live: false, closedMs: 3, lastMs: 5 });
    expect(snapshot(foldEvents([...closed, ev(103, 6, "c")]))).toMatchObject({ live: true, createdMs: 6, closedMs: null, members: { c: { sinceMs: 6 } } });
    expect(foldEvents([...closed, ev(101, 6)])).toMatchObject({ live: true, createdMs: 6 });
  });

  it("an event earlier than the 102 does not re-open, whenever it arrives", () => {
    expect(foldArrivals([ev(103, 1, "a"), ev(102, 5), ev(103, 4, "b")])).toMatchObject({ live: false, members: new Map() });
  });

  it("a room seen only leaving has no createdAt and is not live", () => {
    expect(foldEvents([ev(104, 7, "a")])).toMatchObject({ live: false, createdMs: null, lastMs: 7 });
  });

  it("a repeated 103 without a 104 keeps the first since", () => {
    expect(members(foldEvents([ev(103, 1, "a"), ev(103, 9, "a", "audience")]))).toEqual({ a: { role: "audience", sinceMs: 1 } });
  });
});

describe("fold properties (seeded)", () => {
  it("any permutation with duplicates folds to the same room, in one pass or arrival by arrival", () => {
    for (let seed = 1; seed <= 400; seed++) {
      const rand = prng(seed);
      const life = roomLife(rand, 5 + Math.floor(rand() * 60));
      const expected = snapshot(foldEvents(life));
      for (let k = 0; k < 4; k++) {
        const arrivals = shuffledWithDuplicates(rand, life);
        expect(snapshot(foldArrivals(arrivals)), `seed ${seed}, permutation ${k}`).toEqual(expected);
        expect(snapshot(foldEvents([...new Map(arrivals.map((e) => [keyOf(e), e])).values()])), `seed ${seed}`).toEqual(expected);
      }
    }
  });

  it("in TRTC's own order, the fold agrees with the room the sequence describes", () => {
    for (let seed = 1; seed <= 100; seed++) {
      const life = roomLife(prng(seed), 40);
      const s = foldEvents(life);
      const last = life.at(-1)!;
      expect(s.lastMs, `seed ${seed}`).toBe(last.eventMs);
      expect(s.live, `seed ${seed}`).toBe(last.type !== 102);
    }
  });
});
