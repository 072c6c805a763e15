import { checkBanReason, MAX_BAN_MS, MIN_BAN_MS } from "../app/ban.js";
import { UsageError } from "../errors.js";
import { checkArguments } from "../plan/plan.js";
import type { RoomIdMode } from "../plan/types.js";
import { parseDuration } from "../store/filters.js";
import { roomTypeFrom } from "./options.js";

export interface BanOptions {
  for?: string;
  reason?: string;
  allRooms?: boolean;
  strRoom?: boolean;
  numericRoom?: boolean;
  yes?: boolean;
  dryRun?: boolean;
  ignoreMissing?: boolean;
  wait?: string | boolean;
}

export interface BanTargets {
  /** The room argument, or undefined with --all-rooms. */
  room: string | undefined;
  users: string[];
  mode: RoomIdMode | undefined;
}

/** The room and users of ban/unban, checked before any configuration is read (exit 2 before 3). */
export function banTargets(room: string | undefined, users: string[], opts: BanOptions): BanTargets {
  const mode = roomTypeFrom(opts);
  const targets = opts.allRooms ? { room: undefined, users: room === undefined ? [] : [room, ...users], mode } : { room, users, mode };
  if (targets.room === undefined && !opts.allRooms) throw new UsageError("no room given", "name the room, or pass --all-rooms");
  if (targets.users.length === 0) throw new UsageError("no user ids given", "pass them as arguments after the room");
  checkArguments("kick", targets.room, targets.users, mode);
  return { ...targets, users: [...new Set(targets.users)] };
}

/** --for: 10s to 7d. */
export function banDuration(text: string | undefined): number {
  if (text === undefined) throw new UsageError("--for is required: how long the ban lasts", "e.g. --for 30m, --for 2h, --for 7d (10s to 7d)");
  const ms = parseDuration(text, "--for");
  if (ms < MIN_BAN_MS || ms > MAX_BAN_MS) throw new UsageError(`invalid --for "${text}": a ban lasts from 10s to 7d`);
  return ms;
}

export function banReason(text: string | undefined): string | null {
  return text === undefined ? null : checkBanReason(text, "--reason");
}
