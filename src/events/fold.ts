import type { Role, RoomEventType } from "./types.js";

/** What the fold needs of an event: the same for a callback and for trtc-admin's own dismissal. */
export interface FoldEvent {
  type: RoomEventType;
  userId: string;
  eventMs: number;
  role: Role | null;
}

/**
 * A room as its events make it, plus the latest times that decide it. Every field is a maximum or
 * a minimum over the room's events, so an event can be folded in whatever order it arrives,
 * without re-reading the room's history.
 */
export interface RoomMarks {
  live: boolean;
  createdMs: number | null;
  closedMs: number | null;
  lastMs: number;
  lastRank: number;
  memberCount: number;
  /** The latest 101 or 103. */
  openMs: number | null;
  /** The latest 102. */
  closeMs: number | null;
  /** The latest 102 before openMs: the room's current (or last) life began after it. */
  closeBeforeOpenMs: number | null;
}

/** One user in one room: kept after they leave, so a late event for them folds correctly. */
export interface UserMarks {
  /** The latest 103 and 104. */
  enterMs: number | null;
  leaveMs: number | null;
  /** The latest event that set a role (103, or 105). */
  role: Role | null;
  roleMs: number | null;
  roleRank: number;
  /** While a member: the 103 that admitted them. Null when not in the room. */
  sinceMs: number | null;
}

/**
 * Index reads of the room's stored events (the new ones included), at or after the horizon.
 * Only an event that arrives after later events of its room needs them, and each is one index probe.
 */
export interface RoomLog {
  latestCloseBefore(ms: number): Promise<number | null>;
  firstOpenAfter(ms: number | null): Promise<number | null>;
  firstEnterAfter(userId: string, ms: number | null): Promise<number | null>;
}

export interface Settled {
  room: RoomMarks;
  /** New marks of every user the events touched (and of every member, when a late 102 needed them). */
  users: Map<string, UserMarks>;
  /** A 102 later than everything stored: every member not in `users` has left. */
  clearMembers: boolean;
}

/** Events at the same millisecond apply in this order: a room exists before anyone enters, and a dismissal comes last. */
const RANK: Record<RoomEventType, number> = { 101: 0, 103: 1, 105: 2, 104: 3, 102: 4 };

export function rankOf(type: RoomEventType): number {
  return RANK[type];
}

const NO_USER: UserMarks = { enterMs: null, leaveMs: null, role: null, roleMs: null, roleRank: -1, sinceMs: null };

const maxOf = (...values: (number | null)[]) => values.reduce<number | null>((m, v) => (v === null || (m !== null && m >= v) ? m : v), null);
const minOf = (...values: (number | null)[]) => values.reduce<number | null>((m, v) => (v === null || (m !== null && m <= v) ? m : v), null);
const after = (a: number, rankA: number, b: number, rankB: number) => a > b || (a === b && rankA > rankB);
const timesOf = (events: FoldEvent[], ...types: RoomEventType[]) => events.filter((e) => types.includes(e.type)).map((e) => e.eventMs);

/** A 102 that sorts after everything stored: every stored member left, and no lookup is needed. */
export function closesAll(stored: RoomMarks | undefined, events: FoldEvent[]): boolean {
  return stored !== undefined && events.some((e) => e.type === 102 && e.eventMs >= stored.lastMs);
}

/** A 102 later than the room's latest, but earlier than other stored events: members must be re-judged one by one. */
export function needsMembers(stored: RoomMarks | undefined, events: FoldEvent[]): boolean {
  if (!stored || closesAll(stored, events)) return false;
  return events.some((e) => e.type === 102 && (stored.closeMs === null || e.eventMs > stored.closeMs));
}

async function settleRoomMarks(before: RoomMarks | undefined, events: FoldEvent[], log: RoomLog): Promise<Omit<RoomMarks, "memberCount">> {
  let [lastMs, lastRank] = before ? [before.lastMs, before.lastRank] : [0, -1];
  for (const e of events) if (after(e.eventMs, RANK[e.type], lastMs, lastRank)) [lastMs, lastRank] = [e.eventMs, RANK[e.type]];
  const opens = timesOf(events, 101, 103);
  const closes = timesOf(events, 102);
  const openMs = maxOf(before?.openMs ?? null, ...opens);
  const closeMs = maxOf(before?.closeMs ?? null, ...closes);
  const live = openMs !== null && (closeMs === null || openMs > closeMs);
  if (openMs === null) return { live, createdMs: null, closedMs: closeMs, lastMs, lastRank, openMs, closeMs, closeBeforeOpenMs: null };
  // At the same millisecond a 102 sorts after an open: only a strictly earlier one came before it.
  const newBefore = maxOf(...closes.filter((c) => c < openMs));
  let cbo: number | null;
  if (before && openMs === before.openMs) cbo = maxOf(before.closeBeforeOpenMs, newBefore);
  else if (!before || before.closeMs === null || before.closeMs < openMs) cbo = maxOf(before?.closeMs ?? null, newBefore);
  // The log holds nothing before the horizon: the stored close before the previous open still bounds it from below.
  else cbo = maxOf(before.closeBeforeOpenMs, await log.latestCloseBefore(openMs));
  // createdAt: the first open after cbo, old or new.
  let oldFirst: number | null;
  if (!before || before.openMs === null || (cbo !== null && before.openMs <= cbo)) oldFirst = null;
  else if (cbo === before.closeBeforeOpenMs || (before.createdMs !== null && cbo !== null && before.createdMs > cbo)) oldFirst = before.createdMs;
  else oldFirst = await log.firstOpenAfter(cbo);
  const createdMs = minOf(oldFirst, ...opens.filter((o) => cbo === null || o > cbo));
  return { live, createdMs, closedMs: live ? null : closeMs, lastMs, lastRank, openMs, closeMs, closeBeforeOpenMs: cbo };
}

async function settleUser(userId: string, was: UserMarks, own: FoldEvent[], closeMs: number | null, log: RoomLog): Promise<UserMarks> {
  const marks: UserMarks = {
    ...was,
    enterMs: maxOf(was.enterMs, ...timesOf(own, 103)),
    leaveMs: maxOf(was.leaveMs, ...timesOf(own, 104)),
    sinceMs: null,
  };
  for (const e of own) {
    if ((e.type !== 103 && e.type !== 105) || (e.type === 105 && e.role === null)) continue;
    if (marks.roleMs === null || after(e.eventMs, RANK[e.type], marks.roleMs, marks.roleRank)) {
      [marks.role, marks.roleMs, marks.roleRank] = [e.role ?? "anchor", e.eventMs, RANK[e.type]];
    }
  }
  const leftAt = maxOf(marks.leaveMs, closeMs);
  if (marks.enterMs === null || (leftAt !== null && marks.enterMs <= leftAt)) return marks;
  // A member since the first 103 after their last 104 or the room's last 102 (a repeated 103 keeps it).
  const newEnters = timesOf(own, 103).filter((t) => leftAt === null || t > leftAt);
  if (was.sinceMs === null || (leftAt !== null && was.sinceMs <= leftAt)) {
    // Stored enters after leftAt exist only if the user was a member before and a late 104 or 102 cut their stay.
    marks.sinceMs = was.sinceMs === null ? minOf(...newEnters) : await log.firstEnterAfter(userId, leftAt);
  } else marks.sinceMs = minOf(was.sinceMs, ...newEnters);
  return marks;
}

/**
 * Folds new events into a room, whatever their order relative to what is stored. In-order events
 * (the common case) need no lookup; a late one needs at most a few index probes, never the log.
 * `users` holds the stored marks of the users the events touch, and of every member when `needsMembers`.
 */
export async function settleRoom(stored: RoomMarks | undefined, users: Map<string, UserMarks>, events: FoldEvent[], log: RoomLog): Promise<Settled> {
  const room = await settleRoomMarks(stored, events, log);
  const clearMembers = closesAll(stored, events);
  const byUser = new Map<string, FoldEvent[]>();
  for (const e of events) if (e.userId !== "" && e.type !== 101 && e.type !== 102) byUser.set(e.userId, [...(byUser.get(e.userId) ?? []), e]);
  const touched = new Set([...users.keys(), ...byUser.keys()]);
  let memberCount = clearMembers ? 0 : (stored?.memberCount ?? 0);
  const settled = new Map<string, UserMarks>();
  for (const userId of touched) {
    const stored = users.get(userId) ?? NO_USER;
    const was = clearMembers ? { ...stored, sinceMs: null } : stored;
    const now = await settleUser(userId, was, byUser.get(userId) ?? [], room.closeMs, log);
    memberCount += (now.sinceMs !== null ? 1 : 0) - (was.sinceMs !== null ? 1 : 0);
    settled.set(userId, now);
  }
  return { room: { ...room, memberCount }, users: settled, clearMembers };
}
