/**
 * Parsers for config text that never quote it back (a parse error must not print a secret) and
 * refuse YAML whose aliases would expand without bound.
 */

/**
 * YAML anchors and aliases are allowed (`<<: *base` shares profile settings) but a document
 * whose aliases would expand to more values than this ("billion laughs"), or that contains
 * itself, is refused: any later walk of it would hang or overflow.
 */
const MAX_YAML_VALUES = 10_000;

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `line ${before.split("\n").length}, column ${offset - before.lastIndexOf("\n")}`;
}

const POSITION = / (?:in JSON )?at position (\d+).*$/s;

/** Whether JSON.parse refuses `text` before its end: a prefix of valid JSON fails only at its end. */
function failsWithin(text: string): boolean {
  try {
    JSON.parse(text);
    return false;
  } catch (err) {
    const { message } = err as Error;
    const at = POSITION.exec(message);
    return at ? Number(at[1]) < text.length : !message.startsWith("Unexpected end of JSON input");
  }
}

/**
 * Where JSON.parse gave up: its own position when it names one, else (an unexpected token, which
 * V8 reports by quoting the text instead) the shortest prefix it refuses, found by bisection.
 */
function errorOffset(text: string, message: string): number {
  const at = POSITION.exec(message);
  if (at) return Number(at[1]);
  if (message.startsWith("Unexpected end of JSON input")) return text.length;
  let [lo, hi] = [1, text.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsWithin(text.slice(0, mid))) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

/** JSON.parse's reason, line and column, without the source text V8 quotes (it may hold a secret). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const { message } = err as Error;
    const reason = message.replace(/, .* is not valid JSON$/s, "").replace(POSITION, "");
    throw new Error(`${reason} (${lineColumn(text, errorOffset(text, message))})`);
  }
}

/** Counts values as if every alias were expanded, stopping past the limit; a cycle counts as infinite. */
function expandedSize(value: unknown, sizes = new Map<object, number>()): number {
  if (typeof value !== "object" || value === null || !(Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)) return 1;
  const known = sizes.get(value);
  if (known !== undefined) return known;
  sizes.set(value, Infinity);
  let total = 1;
  for (const child of Object.values(value)) if ((total += expandedSize(child, sizes)) > MAX_YAML_VALUES) break;
  sizes.set(value, total);
  return total;
}

export async function parseYaml(text: string): Promise<unknown> {
  const { load, YAMLException } = await import("js-yaml");
  let value: unknown;
  try {
    value = load(text);
  } catch (err) {
    // js-yaml's message quotes the offending lines; keep only its reason and position.
    if (!(err instanceof YAMLException)) throw err;
    throw new Error(err.mark ? `${err.reason} (line ${err.mark.line + 1}, column ${err.mark.column + 1})` : err.reason);
  }
  const size = expandedSize(value);
  if (size === Infinity) throw new Error("a YAML alias refers to a value that contains it");
  if (size > MAX_YAML_VALUES) throw new Error(`YAML aliases expand it to more than ${MAX_YAML_VALUES} values`);
  return value;
}
