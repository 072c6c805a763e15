/** The application layer's ports on the terminal: how a command's warnings, results and debug lines are printed. */
import type { Debug, ResultSink, RunFacts, RunPorts } from "../app/ports.js";
import { printBreadcrumb, printRetry, printTrace, printWarning } from "../output/messages.js";
import { createProgress } from "../output/progress.js";
import { Reporter } from "../output/reporter.js";
import type { Context } from "./context.js";

/** --debug: each request, response and retry printed. */
export function debugOf(ctx: Context): { debug?: Debug } {
  if (!ctx.run.debug) return {};
  return { debug: { trace: (event) => printTrace(ctx.term, event), onRetry: printRetry.bind(null, ctx.term) } };
}

/** Warnings on stderr; results as the output format says, with progress while sending (unless --quiet). */
export function runPorts(ctx: Context): RunPorts {
  const { term, run } = ctx;
  return {
    warn: (message) => printWarning(term, message),
    async results(total, { sending, verifying }): Promise<ResultSink> {
      return new Reporter(run.format, term, await createProgress(term, total, sending && !run.quiet), run.quiet, verifying);
    },
    ...debugOf(ctx),
  };
}

/** Without a terminal to ask on, changing anything needs --yes. */
export const interactive = (ctx: Context) => ctx.term.stdinIsTTY && ctx.term.stderrIsTTY;

/** The one-line breadcrumb of what a run talks to, in pretty mode. */
export function printReady(ctx: Context, facts: RunFacts): void {
  if (ctx.run.format === "pretty" && !ctx.run.quiet) printBreadcrumb(ctx.term, facts);
}
