import { UsageError } from "../errors.js";

export type Line = { text: string } | { tooLong: true };

/** An over-long line is skipped to its end, but one that runs this many times the limit is taken for a stream that has no lines. */
const ENDLESS_LINE_FACTOR = 64;

/**
 * Splits a byte stream into lines without holding more than `maxBytes` of any one line. Input
 * that is not text (a NUL byte, which no JSON line holds) or whose line never ends (/dev/zero)
 * is refused, rather than read forever.
 */
export async function* readLines(input: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let size = 0;
  let overlong = false;
  const finish = (): Line => {
    const line: Line = overlong ? { tooLong: true } : { text: Buffer.concat(parts, size).toString("utf8").replace(/\r$/, "") };
    parts = [];
    size = 0;
    overlong = false;
    return line;
  };
  for await (const chunk of input) {
    let buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    for (let nl = buf.indexOf(10); ; nl = buf.indexOf(10)) {
      const piece = nl === -1 ? buf : buf.subarray(0, nl);
      // The lines before it are still yielded, and stored.
      if (piece.includes(0))
        throw new UsageError("the input is not text (it holds a NUL byte)", "give it one JSON callback a line, as tee'd from the app's receiver");
      if (!overlong && size + piece.length <= maxBytes) parts.push(piece);
      else overlong = true;
      size += piece.length;
      if (size > maxBytes * ENDLESS_LINE_FACTOR)
        throw new UsageError(`a line runs past ${maxBytes * ENDLESS_LINE_FACTOR} bytes without ending: the input is not one JSON callback a line`);
      if (nl === -1) break;
      yield finish();
      buf = buf.subarray(nl + 1);
    }
  }
  if (size > 0 || overlong) yield finish();
}
