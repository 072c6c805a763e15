export interface Range {
  min: number;
  max: number;
  integer: boolean;
}

/** What the scheduler and timers can honour; the CLI's options and the library check the same. Frozen: shared by every caller in a process. */
export const LIMITS = {
  // setTimeout cannot wait past 2^31-1 ms (24.8 days); beyond that it would fire at once.
  timeoutSeconds: { min: 0.001, max: 86_400, integer: false },
  maxAttempts: { min: 1, max: 100, integer: true },
  concurrency: { min: 1, max: 1000, integer: true },
  rate: { min: 0, max: 10_000, integer: true },
} satisfies Record<string, Readonly<Range>>;
for (const range of Object.values(LIMITS)) Object.freeze(range);
Object.freeze(LIMITS);

export const DEFAULTS = Object.freeze({ timeoutSeconds: 10, maxAttempts: 3, concurrency: 8, rate: 20 });

export function inRange(value: number, range: Range): boolean {
  return Number.isFinite(value) && value >= range.min && value <= range.max && (!range.integer || Number.isInteger(value));
}

export function describeRange(range: Range): string {
  return `${range.integer ? "an integer" : "a number"} from ${range.min} to ${range.max}`;
}
