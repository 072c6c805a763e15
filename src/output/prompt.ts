import { createInterface } from "node:readline/promises";
import type { Terminal } from "./terminal.js";

/** Asks on stderr, reads stdin; anything but y/yes, including Ctrl-C or Ctrl-D, is No. */
export async function confirm(term: Terminal, lines: string[], question: string): Promise<boolean> {
  for (const line of lines) term.err(`${line}\n`);
  const rl = createInterface({ input: term.stdin, output: term.stderr as NodeJS.WritableStream, terminal: true });
  const cancel = new AbortController();
  // In raw mode Ctrl-C reaches readline rather than the process; without this the prompt would just pause.
  rl.once("SIGINT", () => cancel.abort());
  rl.once("close", () => cancel.abort());
  try {
    const answer = await rl.question(`${term.errColor.bold(question)} [y/N] `, { signal: cancel.signal });
    return /^y(es)?$/i.test(answer.trim());
  } catch {
    term.err("\n");
    return false;
  } finally {
    rl.close();
  }
}
