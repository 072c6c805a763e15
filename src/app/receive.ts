import { addAbortSignal, type Readable } from "node:stream";
import { resolveCallbackKey } from "../config/inventory.js";
import type { Settings } from "../config/resolve.js";
import { DomainError, UsageError } from "../errors.js";
import type { Forwarder } from "../events/forward.js";
import { forwardsToItself } from "../events/forward-target.js";
import type { IngestReport } from "../events/ingest.js";
import type { Metrics } from "../events/metrics.js";
import { startRetention } from "../events/retention.js";
import type { AppendOutcome, IncomingEvent, PruneCount } from "../events/types.js";
import { checkFromFile, openSource } from "../plan/input.js";
import { parseDuration } from "../store/filters.js";
import type { InventoryStore } from "../store/types.js";
import { redactUrl } from "../store/url.js";
import type { BanEnforcement } from "./enforcement.js";
import { inventorySetup, openInventory } from "./inventory.js";
import type { Session } from "./session.js";

export interface ServeOptions {
  host: string;
  port: number;
  path: string;
  forward?: string[];
  retain: string;
}

/** What receiving tells its caller: each event, and what goes wrong without stopping it. */
export interface ReceivePorts {
  /** An event applied (`stored`) or seen before (`duplicate`). */
  event(event: IncomingEvent, outcome: AppendOutcome): void;
  warn(message: string): void;
  info(message: string): void;
  /** Ban enforcement beside the receiver, over its store. */
  enforcement(settings: Settings, store: InventoryStore): BanEnforcement;
}

export interface ServePorts extends ReceivePorts {
  receiving(facts: { url: string; sdkAppId: number; store: string; forwards: string[] }): void;
  /** A callback refused (status null: the client went away). */
  refused(status: number | null, reason: string, peer: string): void;
  /** The store answers again after `failed` callbacks were answered 500. */
  storeBack(failed: number): void;
  retained(count: PruneCount, beforeMs: number): void;
  /** Event lines not printed because stdout was closed or not being read, for /metrics. */
  droppedLines(): number;
  /** Waits, a little, for stdout's reader to take the last event lines. */
  flush(): Promise<void>;
}

export interface IngestPorts extends ReceivePorts {
  badLine(line: number, reason: string): void;
  /** Waits for stdout to take the event lines, before the summary. */
  flush(): Promise<void>;
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

/** `events serve`: receives callbacks into the inventory, forwards them, enforces bans and prunes, until the session's signal. */
export async function serveCallbacks(session: Session, opts: ServeOptions, inventory: string | undefined, ports: ServePorts): Promise<void> {
  const { port, forward, retainMs } = checkServeOptions(opts);
  const setup = await inventorySetup(session, inventory);
  const key = resolveCallbackKey(setup.loaded, session.flags, session.io.env);
  const [{ startReceiver }, { Forwarder }, { Metrics }] = await Promise.all([
    import("../events/receiver.js"),
    import("../events/forward.js"),
    import("../events/metrics.js"),
  ]);
  const store = await openInventory(setup.url, session.io.signal);
  const bans = ports.enforcement(setup.settings, store);
  const retention = startRetention({
    store,
    sdkAppId: setup.sdkAppId,
    retainMs,
    now: Date.now,
    onPruned: ports.retained,
    onError: (err) => ports.warn(`retention: prune failed, retried later: ${redactUrl((err as Error).message ?? String(err))}`),
  });
  const metrics = new Metrics();
  metrics.counterFrom("trtc_admin_stdout_lines_dropped_total", "Event lines not printed because stdout was closed or not being read.", ports.droppedLines);
  let storeFailures = 0;
  try {
    const onGiveUp = (url: string, why: string) => ports.warn(`forward to ${redactUrl(url)} not delivered: ${why}`);
    const onForwardStoreError = (err: unknown) =>
      ports.warn(`forwarding paused, the store failed: ${redactUrl((err as Error).message ?? String(err))}; deliveries resume when it answers`);
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
        ports.event(event, outcome);
        if (outcome === "stored") bans.stored(event);
      },
      onReject: ports.refused,
      // Said once per outage, not once per callback: an outage at 1,000 callbacks/s would flood the log.
      onStoreError: (err) => {
        if (storeFailures++ === 0)
          ports.warn(`store failed, answering 500 so TRTC retries until it is back: ${redactUrl((err as Error).message ?? String(err))}`);
      },
      onStoreBack: (failed) => {
        storeFailures = 0;
        ports.storeBack(failed);
      },
    }).catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot listen on ${opts.host}:${port}: ${err.code ?? err.message}`);
    });
    ports.receiving({ url: receiver.url, sdkAppId: setup.sdkAppId, store: store.label, forwards: forward.map(redactUrl) });
    const { signal } = session.io;
    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    await receiver.close();
    const left = forwarder?.stats().pending ?? 0;
    if (left > 0) ports.info(`${left} forward deliver${left === 1 ? "y" : "ies"} left pending in the inventory; the next start resumes them`);
    await bans.close(true);
    // A reader that stopped reading must not hold the exit: SIGTERM ends the receiver within seconds.
    await ports.flush();
  } finally {
    await retention.close();
    await bans.close(true);
    await store.close();
  }
}

/** `events ingest`: applies tee'd callbacks, one a line, enforcing bans as serve does. */
export async function ingestCallbacks(
  session: Session,
  fromFile: string | undefined,
  inventory: string | undefined,
  ports: IngestPorts,
): Promise<IngestReport> {
  const { io } = session;
  checkFromFile(fromFile);
  const setup = await inventorySetup(session, inventory);
  const key = resolveCallbackKey(setup.loaded, session.flags, io.env);
  const input = (fromFile === undefined || fromFile === "-" ? io.stdin : await openSource(fromFile, io.signal)) as Readable;
  const { ingest } = await import("../events/ingest.js");
  const store = await openInventory(setup.url, io.signal);
  const bans = ports.enforcement(setup.settings, store);
  try {
    const report = await ingest({
      input: addAbortSignal(io.signal, input),
      expected: { key, sdkAppId: setup.sdkAppId },
      sink: store,
      signal: io.signal,
      onEvent: (event, outcome) => {
        ports.event(event, outcome);
        if (outcome === "stored") bans.stored(event);
      },
      onBadLine: ports.badLine,
    }).catch((err: Error) => {
      throw err instanceof DomainError ? err : new DomainError(`inventory ${store.label}: ${redactUrl(err.message)}`, "StoreError");
    });
    await bans.close(report.interrupted);
    await ports.flush();
    return report;
  } finally {
    await bans.close(true);
    await store.close();
  }
}
