export type Line = { text: string } | { tooLong: true };

/** Splits a byte stream into lines without holding more than `maxBytes` of any one line. */
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
      if (!overlong && size + piece.length <= maxBytes) parts.push(piece);
      else overlong = true;
      size += piece.length;
      if (nl === -1) break;
      yield finish();
      buf = buf.subarray(nl + 1);
    }
  }
  if (size > 0 || overlong) yield finish();
}
