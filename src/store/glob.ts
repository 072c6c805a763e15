import { UsageError } from "../errors.js";

/** Longest --match accepted, in characters: room ids are at most 64 bytes, so longer patterns are mistakes or attacks. */
export const MAX_GLOB_CHARS = 256;

/** One glob position: a star, or a test of one character (by code point). */
type Step = "*" | ((cp: number) => boolean);

const invalid = (glob: string, why: string) => new UsageError(`invalid --match "${glob}": ${why}`, "use *, ? and [...] (e.g. 'ci-123-*')");

/** `[...]` from its characters (between the brackets): ranges a-z, ! or ^ first to negate. */
function charClass(glob: string, set: number[]): (cp: number) => boolean {
  const negate = set[0] === 0x21 || set[0] === 0x5e;
  const chars = negate ? set.slice(1) : set;
  const ranges: [number, number][] = [];
  for (let k = 0; k < chars.length; k++) {
    const lo = chars[k]!;
    const hi = chars[k + 2];
    if (chars[k + 1] === 0x2d && hi !== undefined) {
      if (lo > hi) throw invalid(glob, `the range ${String.fromCodePoint(lo)}-${String.fromCodePoint(hi)} is out of order`);
      ranges.push([lo, hi]);
      k += 2;
    } else ranges.push([lo, lo]);
  }
  return (cp) => ranges.some(([lo, hi]) => cp >= lo && cp <= hi) !== negate;
}

function steps(glob: string, cps: number[]): Step[] {
  const out: Step[] = [];
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i]!;
    if (cp === 0x2a) {
      if (out.at(-1) !== "*") out.push("*");
    } else if (cp === 0x3f) out.push(() => true);
    else if (cp === 0x5b && cps.indexOf(0x5d, i + 2) !== -1) {
      // As in the shell, a ] right after [ (or [!) is one of the set; a [ never closed is itself.
      const end = cps.indexOf(0x5d, i + 2);
      out.push(charClass(glob, cps.slice(i + 1, end)));
      i = end;
    } else out.push((c) => c === cp);
  }
  return out;
}

/**
 * Whether the whole text matches. A failed try goes back only to the last star, never further
 * (what a star matched before it cannot matter), so a match costs at most pattern × text steps.
 */
function matches(pattern: Step[], text: number[]): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = -1;
  while (p < pattern.length || t < text.length) {
    const step = pattern[p];
    if (step === "*") {
      starP = p++;
      starT = t;
      continue;
    }
    if (step !== undefined && t < text.length && step(text[t]!)) {
      p++;
      t++;
      continue;
    }
    if (starP === -1 || starT >= text.length) return false;
    p = starP + 1;
    t = ++starT;
  }
  return true;
}

/** A shell-style glob (*, ?, [...]) over the whole text, as a test. Over MAX_GLOB_CHARS, or an inverted range, is a usage error. */
export function compileGlob(glob: string): (text: string) => boolean {
  const cps = Array.from(glob, (ch) => ch.codePointAt(0)!);
  if (cps.length > MAX_GLOB_CHARS)
    throw new UsageError(
      `--match is ${cps.length} characters long; at most ${MAX_GLOB_CHARS} are allowed`,
      "room ids are at most 64 bytes: shorten the pattern",
    );
  const pattern = steps(glob, cps);
  return (text) =>
    matches(
      pattern,
      Array.from(text, (ch) => ch.codePointAt(0)!),
    );
}
