import { UsageError } from "../errors.js";

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "30m", "2h", "7d": an integer and a unit; anything else is a usage error. */
export function parseDuration(text: string, option: string): number {
  const m = /^([0-9]{1,9})([smhd])$/.exec(text);
  if (!m) throw new UsageError(`invalid ${option} "${text}": expected an integer and s, m, h or d (90s, 30m, 2h, 7d)`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** A shell-style glob (*, ?, [...] with ! or ^ to negate) as an anchored RegExp over the whole id. */
export function globToRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === "*") out += ".*";
    else if (ch === "?") out += ".";
    else if (ch === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end === -1) {
        out += "\\[";
        continue;
      }
      let set = glob.slice(i + 1, end);
      const negate = set[0] === "!" || set[0] === "^";
      if (negate) set = set.slice(1);
      out += `[${negate ? "^" : ""}${set.replace(/[\\\]^]/g, "\\$&")}]`;
      i = end;
    } else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  try {
    return new RegExp(`^${out}$`, "su");
  } catch {
    throw new UsageError(`invalid --match "${glob}": not a valid glob`, "use *, ? and [...] (e.g. 'ci-123-*')");
  }
}
