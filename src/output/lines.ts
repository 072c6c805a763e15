import type { Terminal } from "./terminal.js";

/**
 * Characters per write. A string over 128 KB lives in V8's large-object space and, if a scavenge finds
 * it alive, stays until a full collection: written a page at a time, a long listing's heap grew with it.
 */
const CHUNK = 32_768;

/**
 * Writes a page's lines in chunks, waiting whenever stdout backs up: the listing never sits in
 * memory, and is not cut off at exit.
 */
export async function writeLines<T>(term: Terminal, items: T[], line: (item: T) => string): Promise<void> {
  const lines = chunkedLines(term);
  for (const item of items) {
    const wait = lines.add(line(item));
    if (wait) await wait;
  }
  lines.flush();
  await term.outDrained();
}

/** Lines that arrive one at a time (a stream of events), gathered into writes of CHUNK characters. */
export function chunkedLines(term: Terminal) {
  let text = "";
  return {
    /** Adds a line; when that fills a write, the promise resolves once stdout has taken it. */
    add(line: string): Promise<void> | undefined {
      text += line;
      if (text.length < CHUNK) return undefined;
      term.out(text);
      text = "";
      return term.outDrained();
    },
    flush(): void {
      if (text) term.out(text);
      text = "";
    },
  };
}
