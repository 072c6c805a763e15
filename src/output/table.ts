/** An event time as a table shows it: date and second, UTC. */
export const shortTime = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : "-");

/** A line formatter whose columns fit the head and every row; the last column is not padded. */
export function tableLine(head: string[], rows: string[][]): (cells: string[]) => string {
  const widths = head.map((h, i) => rows.reduce((w, row) => Math.max(w, row[i]!.length), h.length));
  return (cells) =>
    `${cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd()}\n`;
}
