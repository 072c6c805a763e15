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

/** An ora spinner on stderr when it can be redrawn there; silent otherwise. ora loads only then. */
export async function createProgress(term: Terminal, total: number, enabled: boolean): Promise<Progress> {
  if (!enabled || !term.stderrLive) return SILENT;
  const { default: ora } = await import("ora");
  // discardStdin would put the TTY in raw mode and, with stdin never resumed, swallow Ctrl-C.
  const spinner: Ora = ora({ stream: term.stderr as NodeJS.WritableStream, text: `0/${total}`, discardStdin: false }).start();
  const started = performance.now();
  return {
    update(summary) {
      const finished = summary.total;
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? (finished / seconds).toFixed(1) : "0.0";
      spinner.text = `${finished}/${total} · ${summary.done + summary.alreadyGone} done · ${summary.failed} failed · ${rate} req/s`;
    },
    around(write) {
      spinner.clear();
      write();
      spinner.render();
    },
    stop() {
      spinner.stop();
    },
  };
}
