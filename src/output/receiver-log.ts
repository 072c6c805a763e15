import { escapeControls } from "./escape.js";
import { printWarning } from "./messages.js";
import type { Terminal } from "./terminal.js";

/** What to check, by the status a callback was refused with. */
const HINTS: Record<number, string> = {
  400: "the body must be a TRTC room callback as TRTC sends it (EventGroupId, EventType, EventInfo)",
  401: "the callback key (the profile's callbackKey or TRTC_CALLBACK_KEY) must match the console's for this application",
  403: "the SdkAppId header must be the profile's SdkAppId: give each application a receiver with its own profile",
  408: "TRTC sends a callback at once: a client this slow is not TRTC, or a proxy in between is holding the request",
  413: "TRTC callbacks are a few hundred bytes: this is not TRTC",
  500: "a bug in trtc-admin; please report it",
};
const NO_SIGN = "TRTC signs every callback: this request did not come from TRTC, or a proxy dropped the Sign header";
const GONE = "the client closed the connection mid-request; TRTC retries what it did not get a 200 for";
/** A 400 for bytes that are not HTTP at all: the body hint would send the operator to the wrong place. */
const NOT_HTTP = "not an HTTP client: TRTC posts HTTP/1.1; check what connects to this port (a probe, TLS sent to plain HTTP)";

function refusalHint(status: number | null, reason: string): string | undefined {
  if (status === null) return GONE;
  if (status === 401 && reason.startsWith("no Sign")) return NO_SIGN;
  if (status === 400 && reason.startsWith("not HTTP")) return NOT_HTTP;
  return HINTS[status];
}

/** One refused (or unanswerable) request: status, peer, reason, and a hint. */
export function printRefusal(term: Terminal, status: number | null, reason: string, peer: string): void {
  const hint = refusalHint(status, reason);
  const head = term.errColor.yellow(status === null ? "dropped:" : `refused: ${status}`);
  term.err(`${head} from ${escapeControls(peer)}: ${escapeControls(reason)}${hint ? ` (${hint})` : ""}\n`);
}

export function printStoreBack(term: Terminal, failed: number): void {
  term.err(`store back: commits succeed again (${failed} callback${failed === 1 ? "" : "s"} answered 500 meanwhile, which TRTC retries)\n`);
}

/** Above this many bytes queued for a reader that does not keep up, event lines are dropped rather than held in memory. */
const MAX_BACKLOG = 256 * 1024;

export interface GuardedStdout {
  /** The terminal to print event lines with: its `out` drops the line when stdout is closed or stalled. */
  term: Terminal;
  dropped(): number;
  /** At shutdown: waits up to `graceMs` for stdout to take what is queued, then gives up on it. */
  finish(graceMs: number): Promise<void>;
}

/**
 * A receiver runs for months; its event lines are a courtesy. A closed stdout (`| head -n 2`) or a
 * reader that stops reading must neither stop it nor grow its memory: lines are dropped, counted
 * and warned about once.
 */
export function guardStdout(term: Terminal, maxBacklog = MAX_BACKLOG): GuardedStdout {
  let dropped = 0;
  let warned = false;
  const warn = () => {
    if (warned) return;
    warned = true;
    printWarning(term, "stdout is closed or not being read: event lines are dropped from now on (counted in /metrics); events are still stored");
  };
  // The lines printed in one turn (the events one commit answered) go out in one write, not one system call each.
  let pending = "";
  const flush = () => {
    const text = pending;
    pending = "";
    term.out(text);
  };
  return {
    term: {
      ...term,
      out: (text) => {
        if (term.outBacklog() + pending.length <= maxBacklog) {
          if (pending === "") queueMicrotask(flush);
          pending += text;
          return;
        }
        dropped++;
        warn();
      },
    },
    dropped: () => dropped,
    async finish(graceMs) {
      if (pending !== "") flush();
      const drained = term.outDrained();
      if (!drained) return;
      let timer: NodeJS.Timeout | undefined;
      const stalled = await Promise.race([drained.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(resolve, graceMs, true)))]);
      clearTimeout(timer);
      if (!stalled) return;
      warn();
      term.abandonOut();
    },
  };
}
