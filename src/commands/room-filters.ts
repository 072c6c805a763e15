import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { parseDuration } from "../store/filters.js";
import { compileGlob } from "../store/glob.js";
import type { LiveFilters } from "../store/live.js";

export interface FilterOptions {
  match?: string;
  idleFor?: string;
  olderThan?: string;
  empty?: boolean;
  member?: string;
}

/** The filters `rooms list` and `dismiss --live` share, so both select the same rooms. */
export function addRoomFilterOptions(cmd: Command): Command {
  return cmd
    .option("--match <glob>", "room id matches a glob: *, ?, [...] (quote it from the shell)")
    .option("--idle-for <dur>", "no event for at least this long: 90s, 30m, 2h, 7d")
    .option("--older-than <dur>", "created at least this long ago: 90s, 30m, 2h, 7d")
    .option("--empty", "rooms with no members")
    .option("--member <userId>", "rooms this user is in now (exact user id, as the callbacks reported it)");
}

/** Checked before any configuration is read: a bad duration or glob is exit 2 even without a config. */
export function filtersFrom(opts: FilterOptions): LiveFilters {
  const filters: LiveFilters = {};
  if (opts.match !== undefined) {
    compileGlob(opts.match);
    filters.match = opts.match;
  }
  if (opts.idleFor !== undefined) filters.idleForMs = parseDuration(opts.idleFor, "--idle-for");
  if (opts.olderThan !== undefined) filters.olderThanMs = parseDuration(opts.olderThan, "--older-than");
  if (opts.empty) filters.empty = true;
  if (opts.member !== undefined) {
    // Any id TRTC reported may be searched for, but surrounding whitespace would silently match no one.
    if (opts.member === "" || opts.member !== opts.member.trim())
      throw new UsageError(`--member ${JSON.stringify(opts.member)} is empty or has leading or trailing whitespace`, "pass the user id exactly");
    filters.member = opts.member;
  }
  return filters;
}
