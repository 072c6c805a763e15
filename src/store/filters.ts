import { UsageError } from "../errors.js";

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "30m", "2h", "7d": an integer and a unit; anything else is a usage error. */
export function parseDuration(text: string, option: string): number {
  const m = /^([0-9]{1,9})([smhd])$/.exec(text);
  if (!m) throw new UsageError(`invalid ${option} "${text}": expected an integer and s, m, h or d (90s, 30m, 2h, 7d)`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}
