import { Command } from "commander";
import { createReadStream } from "node:fs";
import { addAbortSignal, type Readable } from "node:stream";
import { resolveCallbackKey } from "../config/inventory.js";
import { CliError, ExitCode, UsageError } from "../errors.js";
import { printBadLine, printEvent, printReceiving, printRefused } from "../output/inventory.js";
import { printInfo, printWarning } from "../output/messages.js";
import { redactUrl } from "../store/url.js";
import { addGlobalOptions, buildContext, type Context, type Io } from "./context.js";
import { inventorySetup, openInventory } from "./inventory.js";

interface ServeOptions {
  host: string;
  port: string;
  path: string;
  forward?: string[];
}

function checkServeOptions(opts: ServeOptions): { port: number; forward: string[] } {
  if (!/^[0-9]{1,5}$/.test(opts.port) || Number(opts.port) > 65535) throw new UsageError(`invalid --port "${opts.port}": expected 0..65535 (0 picks a free port)`);
  if (!opts.path.startsWith("/") || /[?#\s]/.test(opts.path)) throw new UsageError(`invalid --path "${opts.path}": expected an absolute path such as /trtc/callback`);
  const forward = opts.forward ?? [];
  for (const url of forward) {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new UsageError(`invalid --forward "${redactUrl(url)}": expected an http:// or https:// URL`);
  }
  return { port: Number(opts.port), forward };
}

async function serve(ctx: Context, cmd: Command, opts: ServeOptions): Promise<number> {
  const { port, forward } = checkServeOptions(opts);
  const setup = await inventorySetup(ctx, cmd);
  const key = resolveCallbackKey(setup.loaded, ctx.flags, ctx.io.env);
  const [{ startReceiver }, { Forwarder }] = await Promise.all([import("../events/receiver.js"), import("../events/forward.js")]);
  const store = await openInventory(setup.url);
  try {
    const onGiveUp = (url: string, why: string) => printWarning(ctx.term, `forward to ${redactUrl(url)} not delivered: ${why}`);
    const forwarder = forward.length ? new Forwarder({ urls: forward, onGiveUp }) : undefined;
    const receiver = await startReceiver({
      host: opts.host,
      port,
      path: opts.path,
      expected: { key, sdkAppId: setup.sdkAppId },
      sink: store,
      ...(forwarder ? { forwarder } : {}),
      onEvent: (event, outcome) => printEvent(ctx.term, ctx.run.format, event, outcome),
      onReject: (status, reason) => printRefused(ctx.term, status, reason),
      onStoreError: (err) => printWarning(ctx.term, `store failed, answered 500 so TRTC retries: ${redactUrl((err as Error).message ?? String(err))}`),
    }).catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot listen on ${opts.host}:${port}: ${err.code ?? err.message}`);
    });
    printReceiving(ctx.term, receiver.url, setup.sdkAppId, store.label, forward.map(redactUrl));
    if (!ctx.io.signal.aborted) await new Promise((resolve) => ctx.io.signal.addEventListener("abort", resolve, { once: true }));
    await receiver.close();
    await ctx.term.outDrained();
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}

async function ingestCommand(ctx: Context, cmd: Command, fromFile: string | undefined): Promise<number> {
  const setup = await inventorySetup(ctx, cmd);
  const key = resolveCallbackKey(setup.loaded, ctx.flags, ctx.io.env);
  const input = (fromFile === undefined || fromFile === "-" ? ctx.io.stdin : createReadStream(fromFile)) as Readable;
  const opened = new Promise<void>((resolve, reject) => (input === ctx.io.stdin ? resolve() : input.once("open", () => resolve()).once("error", reject)));
  await opened.catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read --from-file ${fromFile}: ${err.code ?? err.message}`);
  });
  const { ingest } = await import("../events/ingest.js");
  const store = await openInventory(setup.url);
  try {
    const report = await ingest({
      input: addAbortSignal(ctx.io.signal, input),
      expected: { key, sdkAppId: setup.sdkAppId },
      sink: store,
      signal: ctx.io.signal,
      onEvent: (event, outcome) => printEvent(ctx.term, ctx.run.format, event, outcome),
      onBadLine: (line, reason) => printBadLine(ctx.term, line, reason),
    }).catch((err: Error) => {
      throw err instanceof CliError ? err : new CliError(`inventory ${store.label}: ${redactUrl(err.message)}`, ExitCode.failed, "StoreError");
    });
    await ctx.term.outDrained();
    if (!ctx.run.quiet) printInfo(ctx.term, `${report.stored} stored, ${report.duplicates} duplicate, ${report.bad} bad line${report.bad === 1 ? "" : "s"} skipped`);
    return report.interrupted ? ExitCode.interrupted : report.bad > 0 ? ExitCode.failed : ExitCode.ok;
  } finally {
    await store.close();
  }
}

const SERVE_HELP = `
The callback key comes from the profile's callbackKey or TRTC_CALLBACK_KEY, never a flag.
Answers 200 {"code":0} once an event is stored; 401 bad Sign, 403 wrong SdkAppId, 400 not an event,
413 over 64 KiB, 500 store failure. SIGINT/SIGTERM: stops accepting, finishes what is in flight, exit 0.

Examples:
  $ trtc-admin events serve --host 0.0.0.0 --port 8787 --path /trtc/callback   # key in TRTC_CALLBACK_KEY
  $ trtc-admin events serve --forward https://app.example.com/trtc/callback --output ndjson`;

export function eventsCommand(io: Io, done: (code: number) => void): Command {
  const events = new Command("events").description("receive TRTC room callbacks into the room inventory");
  const serveCmd = addGlobalOptions(new Command("serve").description("HTTP receiver for TRTC room callbacks (point the console's callback URL here)"))
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port; 0 picks a free one", "8787")
    .option("--path <path>", "callback path", "/")
    .option("--forward <url>", "after storing, re-post each callback byte for byte to this URL (repeatable)", (v: string, all: string[] | undefined) => [...(all ?? []), v])
    .addHelpText("after", SERVE_HELP)
    .action(async (opts: ServeOptions, self: Command) => done(await serve(buildContext(self, io), self, opts)));
  const ingestCmd = addGlobalOptions(new Command("ingest").description("apply tee'd callbacks, one {\"headers\",\"body\"} JSON object a line"))
    .option("--from-file <path|->", "read from a file, or - for standard input (the default)")
    .addHelpText("after", '\nEach line: {"headers": {"Sign": "…", "SdkAppId": "…"}, "body": "<raw body as a string>"}.\nBad lines are reported on stderr and skipped; exit 1 if any was.\n\nExample:\n  $ trtc-admin events ingest --from-file callbacks.jsonl')
    .action(async (opts: { fromFile?: string }, self: Command) => done(await ingestCommand(buildContext(self, io), self, opts.fromFile)));
  events.addHelpText("after", "\nExamples:\n  $ trtc-admin events serve --port 8787 --path /trtc/callback\n  $ trtc-admin events ingest --from-file callbacks.jsonl");
  return events.addCommand(serveCmd).addCommand(ingestCmd);
}
