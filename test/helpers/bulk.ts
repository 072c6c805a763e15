import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InputItem } from "../../src/plan/input.js";
import { APP } from "./cli.js";

export const roomIds = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);

/** An emulator seed of numeric rooms 1..n, each with one user. */
export function seededRooms(n: number) {
  return { apps: [{ sdkAppId: APP, rooms: Object.fromEntries(roomIds(n).map((r) => [String(r), [`u${r}`]])) }] };
}

/** A rooms file as a cleanup job would write it: a comment, a blank line, one room a line. */
export function roomsFile(ids: Array<number | string>): string {
  const path = join(mkdtempSync(join(tmpdir(), "trtc-bulk-")), "rooms.txt");
  writeFileSync(path, `# rooms left by the test run\n\n${ids.join("\n")}\n`);
  return path;
}

export function ndjson(stdout: string) {
  const lines = stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  return { results: lines.slice(0, -1), summary: lines.at(-1).summary };
}

export async function* items(values: string[]): AsyncIterable<InputItem> {
  for (const [i, value] of values.entries()) yield { value, origin: `argument ${i + 1}` };
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
