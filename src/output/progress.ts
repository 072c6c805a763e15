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

/** An ora spinner on stderr, once a run has lasted a while, where it can be redrawn; silent otherwise. */
export async function createProgress(term: Terminal, total: number, enabled: boolean): Promise<Progress> {
  if (!enabled || !term.stderrLive) return SILENT;
  const started = performance.now();
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
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? (summary.total / seconds).toFixed(1) : "0.0";
      text = `${summary.total}/${total} · ${summary.done + summary.alreadyGone} done · ${summary.failed} failed · ${rate} req/s`;
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
