import { applyEvent, compareEvents, emptyRoom, type FoldEvent, foldEvents, isInOrder, type Member, type RoomState } from "../events/fold.js";

/** A room row as stored, without its members. */
export interface StoredRoom {
  state: RoomState;
  memberCount: number;
}

/** What to write for one room: its new state and the member rows to change. */
export interface RoomPlan {
  state: RoomState;
  memberCount: number;
  /** Delete every member row first (a dismissal, or a re-fold). */
  clear: boolean;
  upserts: Map<string, Member>;
  deletes: string[];
}

export function touchedUsers(events: FoldEvent[]): string[] {
  return [...new Set(events.map((e) => e.userId).filter((u) => u !== ""))];
}

/**
 * Plans a room's new events on top of its stored row, knowing only the members the events touch,
 * so a crowded room costs no more than an empty one. Undefined when an event is older than what
 * is already folded: then the room must be re-folded from its log (see `replan`).
 */
export function planRoom(stored: StoredRoom | undefined, before: Map<string, Member>, events: FoldEvent[]): RoomPlan | undefined {
  const state: RoomState = stored ? { ...stored.state, members: new Map([...before].map(([u, m]) => [u, { ...m }])) } : emptyRoom();
  for (const e of [...events].sort(compareEvents)) {
    if (!isInOrder(state, e)) return undefined;
    applyEvent(state, e);
  }
  // After a dismissal in this batch, whoever is in `state` entered after it: they are all the members.
  if (events.some((e) => e.type === 102)) return { state, memberCount: state.members.size, clear: true, upserts: state.members, deletes: [] };
  const plan: RoomPlan = { state, memberCount: stored?.memberCount ?? 0, clear: false, upserts: new Map(), deletes: [] };
  for (const userId of touchedUsers(events)) {
    const [was, now] = [before.get(userId), state.members.get(userId)];
    if (now && (!was || was.role !== now.role || was.sinceMs !== now.sinceMs)) plan.upserts.set(userId, now);
    if (!now && was) plan.deletes.push(userId);
    plan.memberCount += (now && !was ? 1 : 0) - (was && !now ? 1 : 0);
  }
  return plan;
}

/** The whole log folded again: the log is the truth, so arrival order never matters. */
export function replan(log: FoldEvent[]): RoomPlan {
  const state = foldEvents(log);
  return { state, memberCount: state.members.size, clear: true, upserts: state.members, deletes: [] };
}
