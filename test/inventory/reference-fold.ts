import type { FoldEvent } from "../../src/events/fold.js";
import type { Role, RoomEventType } from "../../src/events/types.js";

// The contract's folding rules, applied to a whole log in event order: the oracle the store's incremental fold is checked against.

export interface Member {
  role: Role;
  sinceMs: number;
}

/** One room as its events make it. lastMs/lastRank mark the latest event folded in. */
export interface RoomState {
  live: boolean;
  createdMs: number | null;
  lastMs: number;
  lastRank: number;
  closedMs: number | null;
  members: Map<string, Member>;
}

/** Events at the same millisecond apply in this order: a room exists before anyone enters, and a dismissal comes last. */
const RANK: Record<RoomEventType, number> = { 101: 0, 103: 1, 105: 2, 104: 3, 102: 4 };

export function emptyRoom(): RoomState {
  return { live: false, createdMs: null, lastMs: 0, lastRank: -1, closedMs: null, members: new Map() };
}

export function compareEvents(a: FoldEvent, b: FoldEvent): number {
  return a.eventMs - b.eventMs || RANK[a.type] - RANK[b.type] || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);
}

function open(state: RoomState, at: number): void {
  if (state.live) return;
  // A room that re-opens after a dismissal is a new room to TRTC: its age starts again.
  state.live = true;
  state.createdMs = at;
  state.closedMs = null;
}

/** Applies one event in order; mutates and returns the state. */
export function applyEvent(state: RoomState, event: FoldEvent): RoomState {
  const at = event.eventMs;
  switch (event.type) {
    case 101:
      open(state, at);
      break;
    case 103:
      open(state, at);
      // A second 103 without a 104 between (one lost) keeps the time the user was first admitted.
      state.members.set(event.userId, { role: event.role ?? "anchor", sinceMs: state.members.get(event.userId)?.sinceMs ?? at });
      break;
    case 104:
      state.members.delete(event.userId);
      break;
    case 105: {
      const member = state.members.get(event.userId);
      if (member && event.role) member.role = event.role;
      break;
    }
    case 102:
      state.live = false;
      state.closedMs = at;
      state.members.clear();
      break;
  }
  state.lastMs = at;
  state.lastRank = RANK[event.type];
  return state;
}

/** Folds a room's whole event log, in event-time order whatever the arrival order. Duplicates must already be gone. */
export function foldEvents(events: FoldEvent[]): RoomState {
  return [...events].sort(compareEvents).reduce(applyEvent, emptyRoom());
}
