import type { Ora } from "ora";
import type { Summary } from "../plan/types.js";
import type { Terminal } from "./terminal.js";

export interface Progress {
  update(summary: Summary): void;
  /** Runs `write` with the spinner line cleared, so stdout lines do not tangle with it. */
  around(write: () => void): void;
  stop(): void;
}

const SILENT: Progress = { update() {}, around: (write) => write(), stop() {} };
/** Work that ends sooner gets no spinner, and does not pay for loading one. */
const SHOW_AFTER_MS = 400;
/** The rate is the completions of the last few seconds: it follows pacing and stalls, not the first burst. */
const RATE_WINDOW_MS = 5_000;
/** Less than this is a burst (the first requests all answer at once), not a rate: no rate or ETA yet. */
const MIN_RATE_SPAN_MS = 1_000;

/** "45s", "3m 05s", "1h 02m". */
function duration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
}

/**
 * The spinner's line for a run of `total` requests: counts, the rate over the last 5 s of
 * completions, and the time left at that rate. `now` is in milliseconds.
 */
export function progressMeter(total: number, now: () => number): (summary: Summary) => string {
  // Completed-request counts over time; the first is at or before the window's start (or the run's start).
  const marks = [{ at: now(), count: 0 }];
  return (summary) => {
    const at = now();
    marks.push({ at, count: summary.total });
    while (marks.length > 2 && marks[1]!.at <= at - RATE_WINDOW_MS) marks.shift();
    const counts = `${summary.total}/${total} · ${summary.done + summary.alreadyGone} done · ${summary.failed} failed`;
    const base = marks[0]!;
    if (at - base.at < MIN_RATE_SPAN_MS) return counts;
    const rate = ((summary.total - base.count) / (at - base.at)) * 1000;
    const left = total - summary.total;
    const eta = left > 0 && rate > 0 ? ` · ETA ${duration(left / rate)}` : "";
    return `${counts} · ${rate.toFixed(1)} req/s${eta}`;
  };
}

/** An ora spinner on stderr, once a run has lasted a while, where it can be redrawn; silent otherwise. */
export async function createProgress(term: Terminal, total: number, enabled: boolean): Promise<Progress> {
  if (!enabled || !term.stderrLive) return SILENT;
  const meter = progressMeter(total, () => performance.now());
  let spinner: Ora | undefined;
  let stopped = false;
  let text = `0/${total}`;
  const timer = setTimeout(async () => {
    const { default: ora } = await import("ora");
    if (stopped) return;
    // discardStdin would put the TTY in raw mode and, with stdin never resumed, swallow Ctrl-C.
    spinner = ora({ stream: term.stderr as NodeJS.WritableStream, text, discardStdin: false }).start();
  }, SHOW_AFTER_MS);
  timer.unref();
  return {
    update(summary) {
      text = meter(summary);
      if (spinner) spinner.text = text;
    },
    around(write) {
      spinner?.clear();
      write();
      spinner?.render();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      spinner?.stop();
    },
  };
}
