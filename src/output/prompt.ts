import { createInterface } from "node:readline/promises";
import type { Terminal } from "./terminal.js";

/** Asks on stderr, reads stdin; anything but y/yes is No. */
export async function confirm(term: Terminal, lines: string[], question: string): Promise<boolean> {
  for (const line of lines) term.err(`${line}\n`);
  const rl = createInterface({ input: term.stdin, output: term.stderr as NodeJS.WritableStream, terminal: true });
  try {
    const answer = await rl.question(`${term.errColor.bold(question)} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
