import { countResult, emptySummary, type Result, type Summary } from "../plan/types.js";
import { safeJson } from "./escape.js";
import type { Progress } from "./progress.js";
import { renderResult, renderSummary } from "./render.js";
import type { Terminal } from "./terminal.js";

export type OutputFormat = "pretty" | "json" | "ndjson";
export const OUTPUT_FORMATS: OutputFormat[] = ["pretty", "json", "ndjson"];

/** Receives each result as it finishes and renders it in the chosen format. */
export class Reporter {
  readonly summary: Summary = emptySummary();
  private opened = false;

  constructor(
    private readonly format: OutputFormat,
    private readonly term: Terminal,
    private readonly progress: Progress,
    private readonly quiet: boolean,
    verifying = false,
  ) {
    // With --wait the summary always says how many were not verified, 0 included.
    if (verifying) this.summary.unverified = 0;
  }

  /** Renders one result; the promise, when there is one, waits for a backed-up stdout. */
  result(result: Result): Promise<void> | undefined {
    countResult(this.summary, result);
    if (this.format === "json") {
      this.term.out(`${this.opened ? "," : '{\n  "results": ['}\n    ${safeJson(result)}`);
      this.opened = true;
    } else if (this.format === "ndjson") this.term.out(`${safeJson(result)}\n`);
    else this.progress.around(() => this.term.out(renderResult(result, this.term.outColor)));
    this.progress.update(this.summary);
    return this.term.outDrained();
  }

  finish(): Summary {
    this.progress.stop();
    const s = this.summary;
    if (this.format === "json") {
      // Results are streamed as they finish, so "ok" and the summary, known only now, come last.
      const ok = s.failed === 0 && s.notStarted === 0 && !s.unverified;
      this.term.out(`${this.opened ? "\n  ]" : '{\n  "results": []'},\n  "summary": ${safeJson(s)},\n  "ok": ${ok}\n}\n`);
    } else if (this.format === "ndjson") {
      this.term.out(`${safeJson({ summary: s })}\n`);
    } else if ((s.total > 1 || s.planned > 0) && !this.quiet) {
      this.term.out(renderSummary(s, this.term.outColor));
    }
    return s;
  }
}
