import type { PruneCount } from "../events/types.js";
import { safeJson } from "./escape.js";
import type { OutputFormat } from "./reporter.js";
import type { Terminal } from "./terminal.js";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** `events prune`: what was deleted (or, with --dry-run, would be). */
export function printPruned(term: Terminal, format: OutputFormat, count: PruneCount, beforeMs: number, dryRun: boolean): void {
  const before = new Date(beforeMs).toISOString();
  if (format !== "pretty") return term.out(`${safeJson({ ok: true, dryRun, before, pruned: count }, format === "json" ? 2 : undefined)}\n`);
  const what = `${plural(count.events, "event")} with an event time before ${before}, the marks of ${plural(count.departed, "user")} gone before then, and ${plural(count.closedRooms, "room")} closed before then`;
  term.out(`${dryRun ? "would delete" : "deleted"} ${what}; live rooms, members and bans unchanged\n`);
}

/** `events serve --retain`: one line per prune that deleted something. */
export function printRetained(term: Terminal, count: PruneCount, beforeMs: number): void {
  term.err(
    `retention: deleted ${plural(count.events, "event")} and ${plural(count.closedRooms, "closed room")} older than ${new Date(beforeMs).toISOString()}\n`,
  );
}
