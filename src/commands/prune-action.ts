import { pruneEvents } from "../app/prune.js";
import { ExitCode } from "../exit-codes.js";
import { printPruned } from "../output/retention.js";
import { parseDuration } from "../store/filters.js";
import type { Context } from "./context.js";

export interface PruneOptions {
  olderThan: string;
  dryRun?: boolean;
}

/** `events prune` (app/prune.ts): the duration checked before the config is read. */
export async function prune(ctx: Context, opts: PruneOptions & { inventory: string | undefined }): Promise<number> {
  const olderThanMs = parseDuration(opts.olderThan, "--older-than");
  const dryRun = Boolean(opts.dryRun);
  const { count, beforeMs } = await pruneEvents(ctx, olderThanMs, dryRun, opts.inventory);
  printPruned(ctx.term, ctx.run.format, count, beforeMs, dryRun);
  return ExitCode.ok;
}
