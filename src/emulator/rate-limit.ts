/** Per-key sliding one-second window: the (limit+1)th request inside any second is rejected and changes nothing. */
export class WindowCounter {
  private readonly windows = new Map<string, number[]>();

  constructor(
    public limit: number,
    private readonly now: () => number,
  ) {}

  tryTake(key: string): boolean {
    if (this.limit <= 0) return true;
    const now = this.now();
    const stamps = this.windows.get(key) ?? [];
    while (stamps.length > 0 && stamps[0]! <= now - 1000) stamps.shift();
    if (stamps.length >= this.limit) return false;
    stamps.push(now);
    this.windows.set(key, stamps);
    return true;
  }

  clear(): void {
    this.windows.clear();
  }
}
