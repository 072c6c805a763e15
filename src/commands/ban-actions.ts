import type { Command } from "commander";
import { runBan } from "../app/ban-run.js";
import { runExitCode } from "../exit-codes.js";
import { confirmBan, printBansStored } from "../output/bans.js";
import { printInfo } from "../output/messages.js";
import { type BanOptions, banDuration, banReason, banTargets } from "./ban-args.js";
import { type Context, inventoryFlag } from "./context.js";
import { waitMsFrom } from "./options.js";
import { interactive, printReady, runPorts } from "./ports.js";

/** `ban` (app/ban-run.ts): its arguments checked first, its question, stored bans and results on the terminal. */
export async function ban(ctx: Context, cmd: Command, roomArg: string | undefined, userArgs: string[], opts: BanOptions): Promise<number> {
  const { io, term, run } = ctx;
  const targets = banTargets(roomArg, userArgs, opts);
  const input = {
    ...targets,
    forMs: banDuration(opts.for),
    waitMs: waitMsFrom(opts.wait),
    reason: banReason(opts.reason),
    yes: Boolean(opts.yes),
    dryRun: Boolean(opts.dryRun),
    ignoreMissing: Boolean(opts.ignoreMissing),
    inventory: inventoryFlag(cmd),
  };
  const outcome = await runBan(ctx, input, {
    ...runPorts(ctx),
    // Read only when --yes is missing: it looks at stdin, and opening stdin costs a run that needs none a few milliseconds.
    get interactive() {
      return interactive(ctx);
    },
    ready: (facts) => printReady(ctx, facts),
    confirm: (facts) => confirmBan(term, facts, io.signal),
    stored: (bans) => {
      if (!run.quiet) printBansStored(term, bans);
    },
    info: (message) => {
      if (!run.quiet) printInfo(term, message);
    },
  });
  return runExitCode(outcome);
}
