import { addAbortSignal, type Readable } from "node:stream";
import type { Command } from "commander";
import type { BanEnforcement } from "../app/enforcement.js";
import { resolveCallbackKey } from "../config/inventory.js";
import { CliError, ExitCode, UsageError } from "../errors.js";
import type { Forwarder } from "../events/forward.js";
import { forwardsToItself } from "../events/forward-target.js";
import type { Metrics } from "../events/metrics.js";
import { startRetention } from "../events/retention.js";
import { printBadLine, printEvent, printReceiving } from "../output/inventory.js";
import { printInfo, printWarning } from "../output/messages.js";
import { guardStdout, printRefusal, printStoreBack } from "../output/receiver-log.js";
import { printRetained } from "../output/retention.js";
import { checkFromFile, openSource } from "../plan/input.js";
import { parseDuration } from "../store/filters.js";
import { redactUrl } from "../store/url.js";
import { startBanEnforcement } from "./ban-enforcement.js";
import type { Context } from "./context.js";
import { inventorySetup, openInventory } from "./inventory.js";

/** How long a stopping receiver waits for stdout's reader to take the last event lines. */
const STDOUT_GRACE_MS = 2000;

export interface ServeOptions {
  host: string;
  port: number;
  path: string;
  forward?: string[];
  retain: string;
}

function checkServeOptions(opts: ServeOptions): { port: number; forward: string[]; retainMs: number } {
  if (!opts.path.startsWith("/") || /[?#\s]/.test(opts.path))
    throw new UsageError(`invalid --path "${opts.path}": expected an absolute path such as /trtc/callback`);
  const forward = opts.forward ?? [];
  for (const url of forward) {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
      throw new UsageError(`invalid --forward "${redactUrl(url)}": expected an http:// or https:// URL`);
    if (forwardsToItself(url, opts.host, opts.port, opts.path))
      throw new UsageError(
        `--forward "${redactUrl(url)}" is this receiver's own address (${opts.host}:${opts.port}${opts.path}): it would receive its own forwards`,
      );
  }
  return { port: opts.port, forward, retainMs: parseDuration(opts.retain, "--retain") };
}

/** Forwarding and enforcement as /metrics shows them, read from their own counts at each scrape. */
function registerServiceMetrics(metrics: Metrics, forwarder: Forwarder | undefined, bans: BanEnforcement): void {
  if (forwarder) {
    metrics.gauge("trtc_admin_forward_pending", "Forward deliveries waiting in the store.", () => forwarder.stats().pending);
    metrics.counterFrom("trtc_admin_forward_delivered_total", "Forward deliveries the target accepted.", () => forwarder.stats().delivered);
    metrics.counterFrom(
      "trtc_admin_forward_given_up_total",
      "Forward deliveries given up one minute after the event arrived.",
      () => forwarder.stats().givenUp,
    );
  }
  metrics.counterFrom("trtc_admin_enforcement_kicks_total", "Ban enforcement kicks by status.", () => {
    const s = bans.stats();
    return (["done", "alreadyGone", "failed", "coalesced", "dropped"] as const).map((status) => ({ labels: { status }, value: s[status] }));
  });
  metrics.gauge("trtc_admin_enforcement_kicks_pending", "Ban enforcement kicks waiting or on the wire.", () => bans.stats().pending);
}

export async function serve(ctx: Context, cmd: Command, opts: ServeOptions): Promise<number> {
  const { port, forward, retainMs } = checkServeOptions(opts);
  const setup = await inventorySetup(ctx, cmd);
  const key = resolveCallbackKey(setup.loaded, ctx.flags, ctx.io.env);
  const [{ startReceiver }, { Forwarder }, { Metrics }] = await Promise.all([
    import("../events/receiver.js"),
    import("../events/forward.js"),
    import("../events/metrics.js"),
  ]);
  const store = await openInventory(setup.url, ctx.io.signal);
  const bans = startBanEnforcement(ctx, setup.settings, store);
  const retention = startRetention({
    store,
    sdkAppId: setup.sdkAppId,
    retainMs,
    now: Date.now,
    onPruned: (count, beforeMs) => printRetained(ctx.term, count, beforeMs),
    onError: (err) => printWarning(ctx.term, `retention: prune failed, retried later: ${redactUrl((err as Error).message ?? String(err))}`),
  });
  const stdout = guardStdout(ctx.term);
  const metrics = new Metrics();
  metrics.counterFrom("trtc_admin_stdout_lines_dropped_total", "Event lines not printed because stdout was closed or not being read.", stdout.dropped);
  let storeFailures = 0;
  try {
    const onGiveUp = (url: string, why: string) => printWarning(ctx.term, `forward to ${redactUrl(url)} not delivered: ${why}`);
    const onForwardStoreError = (err: unknown) =>
      printWarning(ctx.term, `forwarding paused, the store failed: ${redactUrl((err as Error).message ?? String(err))}; deliveries resume when it answers`);
    const forwarder = forward.length ? new Forwarder({ urls: forward, queue: store.forwards, onGiveUp, onStoreError: onForwardStoreError }) : undefined;
    registerServiceMetrics(metrics, forwarder, bans);
    const receiver = await startReceiver({
      host: opts.host,
      port,
      path: opts.path,
      expected: { key, sdkAppId: setup.sdkAppId },
      sink: store,
      metrics,
      ...(forwarder ? { forwarder } : {}),
      onEvent: (event, outcome) => {
        printEvent(stdout.term, ctx.run.format, event, outcome);
        if (outcome === "stored") bans.stored(event);
      },
      onReject: (status, reason, peer) => printRefusal(ctx.term, status, reason, peer),
      // Said once per outage, not once per callback: an outage at 1,000 callbacks/s would flood the log.
      onStoreError: (err) => {
        if (storeFailures++ === 0)
          printWarning(ctx.term, `store failed, answering 500 so TRTC retries until it is back: ${redactUrl((err as Error).message ?? String(err))}`);
      },
      onStoreBack: (failed) => {
        storeFailures = 0;
        printStoreBack(ctx.term, failed);
      },
    }).catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot listen on ${opts.host}:${port}: ${err.code ?? err.message}`);
    });
    printReceiving(ctx.term, receiver.url, setup.sdkAppId, store.label, forward.map(redactUrl));
    if (!ctx.io.signal.aborted) await new Promise((resolve) => ctx.io.signal.addEventListener("abort", resolve, { once: true }));
    await receiver.close();
    const left = forwarder?.stats().pending ?? 0;
    if (left > 0) printInfo(ctx.term, `${left} forward deliver${left === 1 ? "y" : "ies"} left pending in the inventory; the next start resumes them`);
    await bans.close(true);
    // A reader that stopped reading must not hold the exit: SIGTERM ends the receiver within seconds.
    await stdout.finish(STDOUT_GRACE_MS);
    return ExitCode.ok;
  } finally {
    await retention.close();
    await bans.close(true);
    await store.close();
  }
}

export async function ingestCommand(ctx: Context, cmd: Command, fromFile: string | undefined): Promise<number> {
  checkFromFile(fromFile);
  const setup = await inventorySetup(ctx, cmd);
  const key = resolveCallbackKey(setup.loaded, ctx.flags, ctx.io.env);
  const input = (fromFile === undefined || fromFile === "-" ? ctx.io.stdin : await openSource(fromFile, ctx.io.signal)) as Readable;
  const { ingest } = await import("../events/ingest.js");
  const store = await openInventory(setup.url, ctx.io.signal);
  const bans = startBanEnforcement(ctx, setup.settings, store);
  try {
    const report = await ingest({
      input: addAbortSignal(ctx.io.signal, input),
      expected: { key, sdkAppId: setup.sdkAppId },
      sink: store,
      signal: ctx.io.signal,
      onEvent: (event, outcome) => {
        printEvent(ctx.term, ctx.run.format, event, outcome);
        if (outcome === "stored") bans.stored(event);
      },
      onBadLine: (line, reason) => printBadLine(ctx.term, line, reason),
    }).catch((err: Error) => {
      throw err instanceof CliError ? err : new CliError(`inventory ${store.label}: ${redactUrl(err.message)}`, ExitCode.failed, "StoreError");
    });
    await bans.close(report.interrupted);
    await ctx.term.outDrained();
    if (!ctx.run.quiet)
      printInfo(ctx.term, `${report.stored} stored, ${report.duplicates} duplicate, ${report.bad} bad line${report.bad === 1 ? "" : "s"} skipped`);
    return report.interrupted ? ExitCode.interrupted : report.bad > 0 ? ExitCode.failed : ExitCode.ok;
  } finally {
    await bans.close(true);
    await store.close();
  }
}
