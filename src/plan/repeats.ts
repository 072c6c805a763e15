/**
 * Finds the input items that repeat an earlier one. Input is read in two passes (validate,
 * then send); the first pass keeps every id to find repeats, and later passes replay the
 * positions it found, so only one set of ids is ever held (1,000,000 rooms: ~35 MB, not 280).
 */
export class Repeats {
  private numbers = new Set<number>();
  private strings = new Set<string>();
  private found: number[] = [];
  private complete = false;
  private replaying = false;
  private cursor = 0;
  private position = 0;

  /** Called as a pass begins; after one complete pass, answers come from what it found. */
  startPass(): void {
    this.position = 0;
    this.cursor = 0;
    if (this.complete) {
      this.replaying = true;
      this.numbers = new Set();
      this.strings = new Set();
    } else {
      this.found = [];
      this.numbers.clear();
      this.strings.clear();
    }
  }

  endPass(): void {
    this.complete = true;
  }

  /** Whether this item, the next in input order, repeats an earlier one. */
  isRepeat(id: number | string): boolean {
    const position = this.position++;
    if (this.replaying) {
      if (this.found[this.cursor] !== position) return false;
      this.cursor++;
      return true;
    }
    // Numbers and strings apart: room 123 and room "123" are different rooms.
    const seen = (typeof id === "number" ? this.numbers : this.strings) as Set<number | string>;
    if (!seen.has(id)) {
      seen.add(id);
      return false;
    }
    this.found.push(position);
    return true;
  }
}
