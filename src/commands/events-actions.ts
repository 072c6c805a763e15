import { type IngestPorts, ingestCallbacks, type ReceivePorts, type ServeOptions, serveCallbacks } from "../app/receive.js";
import { ExitCode, ingestExitCode } from "../exit-codes.js";
import { printBadLine, printEvent, printReceiving } from "../output/inventory.js";
import { printInfo, printWarning } from "../output/messages.js";
import { guardStdout, printRefusal, printStoreBack } from "../output/receiver-log.js";
import { printRetained } from "../output/retention.js";
import type { Terminal } from "../output/terminal.js";
import { startBanEnforcement } from "./ban-enforcement.js";
import type { Context } from "./context.js";

export type { ServeOptions } from "../app/receive.js";

/** How long a stopping receiver waits for stdout's reader to take the last event lines. */
const STDOUT_GRACE_MS = 2000;

/** Event lines on `events` (stdout), warnings on stderr, enforcement's kicks printed. */
function receivePorts(ctx: Context, events: Terminal): ReceivePorts {
  return {
    event: (event, outcome) => printEvent(events, ctx.run.format, event, outcome),
    warn: (message) => printWarning(ctx.term, message),
    info: (message) => printInfo(ctx.term, message),
    enforcement: (settings, store) => startBanEnforcement(ctx, settings, store),
  };
}

/** `events serve` (app/receive.ts): a stdout whose reader stalls drops event lines, never the receiver. */
export async function serve(ctx: Context, { inventory, ...opts }: ServeOptions & { inventory: string | undefined }): Promise<number> {
  const stdout = guardStdout(ctx.term);
  await serveCallbacks(ctx, opts, inventory, {
    ...receivePorts(ctx, stdout.term),
    receiving: (r) => printReceiving(ctx.term, r.url, r.sdkAppId, r.store, r.forwards),
    refused: (status, reason, peer) => printRefusal(ctx.term, status, reason, peer),
    storeBack: (failed) => printStoreBack(ctx.term, failed),
    retained: (count, beforeMs) => printRetained(ctx.term, count, beforeMs),
    droppedLines: stdout.dropped,
    flush: () => stdout.finish(STDOUT_GRACE_MS),
  });
  return ExitCode.ok;
}

/** `events ingest` (app/receive.ts): exit 1 when a line was bad, 130 when interrupted. */
export async function ingestCommand(ctx: Context, { fromFile, inventory }: { fromFile: string | undefined; inventory: string | undefined }): Promise<number> {
  const ports: IngestPorts = {
    ...receivePorts(ctx, ctx.term),
    badLine: (line, reason) => printBadLine(ctx.term, line, reason),
    flush: async () => ctx.term.outDrained(),
  };
  const report = await ingestCallbacks(ctx, fromFile, inventory, ports);
  if (!ctx.run.quiet)
    printInfo(ctx.term, `${report.stored} stored, ${report.duplicates} duplicate, ${report.bad} bad line${report.bad === 1 ? "" : "s"} skipped`);
  return ingestExitCode(report);
}
