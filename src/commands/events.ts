import { Command, Option } from "commander";
import { inventoryFlag } from "./context.js";
import type { ServeOptions } from "./events-actions.js";
import { portNumber } from "./options.js";
import type { PruneOptions } from "./prune-action.js";
import { defineCommand } from "./registry.js";

const actions = () => import("./events-actions.js");

const SERVE_HELP = `
The callback key comes from the profile's callbackKey or TRTC_CALLBACK_KEY, never a flag.
Answers 200 {"code":0} once an event is stored; 401 bad Sign, 403 wrong SdkAppId, 400 not an event,
408 too slow, 413 over 64 KiB, 500 store failure (GET /healthz is then 503; it recovers by itself).
GET /metrics: Prometheus text. A closed or stalled stdout drops event lines, never the receiver.
SIGINT/SIGTERM: stops accepting, finishes what is in flight, exit 0.
While it runs, a stored 103 of a banned user (see \`trtc-admin ban --help\`) is kicked at once and
printed as a Result with "cause": "ban-enforced"; credentials are needed only then.

Examples:
  $ trtc-admin events serve --host 0.0.0.0 --port 8787 --path /trtc/callback   # key in TRTC_CALLBACK_KEY
  $ trtc-admin events serve --forward https://app.example.com/trtc/callback --output ndjson`;

const PRUNE_HELP = `
What \`events serve --retain\` does continuously. A late callback older than the cutoff is still
acknowledged and stored (until the next prune), but not folded unless it is at or after the latest
event of a room still held: it cannot re-open, bring back or change a room.

Examples:
  $ trtc-admin events prune --older-than 30d --dry-run
  $ trtc-admin events prune --older-than 7d --json`;

export function eventsCommand(): Command {
  const events = new Command("events").description("receive TRTC room callbacks into the room inventory");
  const serveCmd = new Command("serve")
    .description("HTTP receiver for TRTC room callbacks (point the console's callback URL here)")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .addOption(new Option("--port <port>", "port; 0 picks a free one").argParser(portNumber).default(8787))
    .option("--path <path>", "callback path", "/")
    .option("--forward <url>", "after storing, re-post each callback byte for byte to this URL (repeatable)", (v: string, all: string[] | undefined) => [
      ...(all ?? []),
      v,
    ])
    .option(
      "--retain <dur>",
      "delete stored events older than this (event time), and the rooms closed before then; live rooms, members and bans are kept",
      "7d",
    )
    .addHelpText("after", SERVE_HELP);
  // A receiver outlives its stdout's reader: only a signal stops it.
  defineCommand(serveCmd, {
    input: (cmd) => ({ ...cmd.opts<ServeOptions>(), inventory: inventoryFlag(cmd) }),
    run: async (ctx, input) => (await actions()).serve(ctx, input),
    server: true,
  });
  const ingestCmd = new Command("ingest")
    .description('apply tee\'d callbacks, one {"headers","body"} JSON object a line')
    .option("--from-file <path|->", "read from a file, or - for standard input (the default)")
    .addHelpText(
      "after",
      '\nEach line: {"headers": {"Sign": "…", "SdkAppId": "…"}, "body": "<raw body as a string>"}.\nBad lines are reported on stderr and skipped; exit 1 if any was.\nA stored 103 of a banned user is kicked at once, as with serve (ban-enforced).\n\nExample:\n  $ trtc-admin events ingest --from-file callbacks.jsonl',
    );
  defineCommand(ingestCmd, {
    input: (cmd) => ({ fromFile: cmd.opts<{ fromFile?: string }>().fromFile, inventory: inventoryFlag(cmd) }),
    run: async (ctx, input) => (await actions()).ingestCommand(ctx, input),
  });
  const pruneCmd = new Command("prune")
    .description("delete stored events older than a duration, and the rooms closed before then (live rooms, members and bans are kept)")
    .requiredOption("--older-than <dur>", "event time older than this: an integer and s, m, h or d")
    .option("--dry-run", "count what would be deleted; delete nothing")
    .addHelpText("after", PRUNE_HELP);
  defineCommand(pruneCmd, {
    input: (cmd) => ({ ...cmd.opts<PruneOptions>(), inventory: inventoryFlag(cmd) }),
    run: async (ctx, input) => (await import("./prune-action.js")).prune(ctx, input),
  });
  events.addHelpText(
    "after",
    "\nExamples:\n  $ trtc-admin events serve --port 8787 --path /trtc/callback\n  $ trtc-admin events ingest --from-file callbacks.jsonl\n  $ trtc-admin events prune --older-than 30d --dry-run",
  );
  return events.addCommand(serveCmd).addCommand(ingestCmd).addCommand(pruneCmd);
}
