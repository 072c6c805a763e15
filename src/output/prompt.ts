import type { Terminal } from "./terminal.js";

export type Answer = "yes" | "no" | "interrupted";

/** Asks on stderr, reads stdin; anything but y/yes is No. Ctrl-C, or `interrupt` (SIGTERM, SIGHUP), is "interrupted". */
export async function confirm(term: Terminal, lines: string[], question: string, interrupt: AbortSignal): Promise<Answer> {
  if (interrupt.aborted) return "interrupted";
  for (const line of lines) term.err(`${line}\n`);
  // Loaded here: a run with --yes never asks.
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: term.stdin, output: term.stderr as NodeJS.WritableStream, terminal: true });
  const cancel = new AbortController();
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
    cancel.abort();
  };
  // In raw mode Ctrl-C reaches readline rather than the process; without this the prompt would just pause.
  rl.once("SIGINT", onInterrupt);
  rl.once("close", () => cancel.abort());
  interrupt.addEventListener("abort", onInterrupt, { once: true });
  try {
    const answer = await rl.question(`${term.errColor.bold(question)} [y/N] `, { signal: cancel.signal });
    return /^y(es)?$/i.test(answer.trim()) ? "yes" : "no";
  } catch {
    term.err("\n");
    return interrupted ? "interrupted" : "no";
  } finally {
    interrupt.removeEventListener("abort", onInterrupt);
    rl.close();
  }
}
