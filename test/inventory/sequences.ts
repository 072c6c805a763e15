import { type FoldEvent, rankOf } from "../../src/events/fold.js";
import type { RoomEventType } from "../../src/events/types.js";

/** mulberry32: a small seeded PRNG, so a failing case can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

/**
 * A plausible life of one room as TRTC would report it: opened, users entering, switching role
 * and leaving, dismissed, re-opened. Times advance by 0..2 ms, so ties are common; a tie is
 * only left where the tie order (101, 103, 105, 104, 102) tells the same story.
 */
export function roomLife(rand: () => number, steps: number, start = 1_700_000_000_000): FoldEvent[] {
  const events: FoldEvent[] = [];
  const inRoom = new Set<string>();
  let live = false;
  let ms = start;
  const seen = new Set<string>();
  const add = (type: RoomEventType, userId = "", role: FoldEvent["role"] = null) => {
    // A tie is only kept where the contract's tie order agrees with the story (and two events never share a dedupe key).
    const prev = events.at(-1);
    if (prev && prev.eventMs === ms && (rankOf(type) < rankOf(prev.type) || seen.has(`${type}|${userId}|${ms}`))) ms++;
    seen.add(`${type}|${userId}|${ms}`);
    events.push({ type, userId, eventMs: ms, role });
  };
  for (let i = 0; i < steps; i++) {
    ms += Math.floor(rand() * 3);
    const user = `u${Math.floor(rand() * 6)}`;
    const role = pick(rand, ["anchor", "audience"] as const);
    if (!live) {
      if (rand() < 0.7) add(101, user);
      add(103, user, role);
      inRoom.add(user);
      live = true;
      continue;
    }
    const r = rand();
    if (r < 0.4 && !inRoom.has(user)) add(103, user, role), inRoom.add(user);
    else if (r < 0.6 && inRoom.has(user)) add(105, user, role);
    else if (r < 0.85 && inRoom.has(user)) add(104, user), inRoom.delete(user);
    else if (r >= 0.92) {
      if (rand() < 0.5) for (const u of inRoom) add(104, u);
      add(102);
      inRoom.clear();
      live = false;
    }
  }
  return events;
}

/** The same events in a random order, some delivered two or three times (TRTC retries). */
export function shuffledWithDuplicates<T>(rand: () => number, events: T[]): T[] {
  const out = events.flatMap((e) => (rand() < 0.25 ? [e, e] : rand() < 0.05 ? [e, e, e] : [e]));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
