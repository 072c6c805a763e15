import type { EnforcedResult, PlannedRequest } from "../plan/types.js";
import type { Ban } from "../store/types.js";
import { PREVIEW_SIZE, previewLines } from "./dialogs.js";
import { escapeControls, jsonString, safeJson } from "./escape.js";
import { writeLines } from "./lines.js";
import { renderResult, roomLabel } from "./render.js";
import type { OutputFormat } from "./reporter.js";
import { shortTime, tableLine } from "./table.js";
import type { Terminal } from "./terminal.js";

/** A kick sent because a banned user entered: a Result plus `"cause": "ban-enforced"` (additive, so Result readers still parse it). */
const where = (b: { roomId: number | string | null; roomIdType: Ban["roomIdType"] }) =>
  b.roomIdType === null ? "all rooms" : `room ${roomLabel({ roomId: b.roomId!, roomIdType: b.roomIdType })}`;

const BAN_HEAD = ["USER", "ROOM", "TYPE", "UNTIL (UTC)", "REASON"];
const banCells = (b: Ban) => [escapeControls(b.userId), where(b), b.roomIdType ?? "-", shortTime(b.until), escapeControls(b.reason ?? "")];
const orNull = (text: string | null) => (text === null ? "null" : jsonString(text));

/** safeJson(ban), field by field, as roomJson does for rooms (test/unit/room-json.test.ts holds the bytes together). */
export function banJson(b: Ban): string {
  const id = b.roomId === null ? "null" : typeof b.roomId === "number" ? String(b.roomId) : jsonString(b.roomId);
  return `{"sdkAppId":${b.sdkAppId},"roomId":${id},"roomIdType":${orNull(b.roomIdType)},"userId":${jsonString(b.userId)},"reason":${orNull(b.reason)},"createdAt":"${b.createdAt}","until":"${b.until}"}`;
}

/** A value nested `depth` levels into an indented document, as JSON.stringify(…, 2) would place it. */
const nested = (value: unknown, depth: number) => safeJson(value, 2).replace(/\n/g, `\n${"  ".repeat(depth)}`);

/**
 * `bans list` (and `unban`'s ended bans), page by page: one JSON document, one Ban a line and a
 * summary, or a table whose column widths come from its first page.
 */
export async function printBans(
  term: Terminal,
  pages: Iterable<Ban[]> | AsyncIterable<Ban[]>,
  format: OutputFormat,
  [one, many]: [string, string] = ["active ban", "active bans"],
): Promise<void> {
  let count = 0;
  let line: ((cells: string[]) => string) | undefined;
  if (format === "json") term.out('{\n  "ok": true,\n  "bans": [');
  for await (const page of pages) {
    if (format === "json") await writeLines(term, page, (b) => `${count++ ? "," : ""}\n    ${nested(b, 2)}`);
    else if (format === "ndjson") {
      count += page.length;
      await writeLines(term, page, (b) => `${banJson(b)}\n`);
    } else {
      const rows = page.map(banCells);
      if (!line) {
        line = tableLine(BAN_HEAD, rows);
        term.out(term.outColor.bold(line(BAN_HEAD)));
      }
      count += rows.length;
      await writeLines(term, rows, line);
    }
  }
  const summary = { count };
  if (format === "json") term.out(`${count ? "\n  " : ""}],\n  "summary": ${nested(summary, 1)}\n}\n`);
  else if (format === "ndjson") term.out(`${safeJson({ summary })}\n`);
  else term.out(`${count} ${count === 1 ? one : many}\n`);
  await term.outDrained();
}

/** `bans export`: the deny-list for the app's UserSig issuer, always one JSON document. */
export function printBanExport(term: Terminal, bans: Ban[]): void {
  term.out(`${safeJson({ bans }, 2)}\n`);
}

/** After `ban` stored its bans, on stderr (stdout carries the kick's results). */
export function printBansStored(term: Terminal, bans: Ban[]): void {
  for (const b of bans) term.err(`banned ${escapeControls(b.userId)} from ${where(b)} until ${b.until}\n`);
}

/** One enforcement kick in the `events serve`/`ingest` stream: a Result line with its cause, or a pretty line. */
export function printEnforced(term: Terminal, format: OutputFormat, result: EnforcedResult, at: Date): void {
  if (format !== "pretty") return term.out(`${safeJson(result)}\n`);
  term.out(`${at.toISOString().slice(11, 23)} ${term.outColor.bold.magenta("ban-enforced")} ${renderResult(result, term.outColor)}`);
}

export interface BanFacts {
  users: string[];
  /** Null: all rooms. */
  room: { roomId: number | string; roomIdType: "numeric" | "string" } | null;
  until: Date;
  sdkAppId: number;
  region: string;
  endpoint: string;
  requests: PlannedRequest[];
}

/** Asks before banning (default No): who, where, until when, and the kicks it sends now. */
export async function confirmBan(term: Terminal, facts: BanFacts, interrupt: AbortSignal): Promise<"yes" | "no" | "interrupted"> {
  const n = facts.requests.length;
  const lines = [
    `About to ban ${escapeControls(facts.users.join(", "))} from ${facts.room ? where(facts.room) : "all rooms"} of SdkAppId ${facts.sdkAppId} until ${facts.until.toISOString()},`,
    `and send ${n} kick request${n === 1 ? "" : "s"} now in ${facts.region} (${facts.endpoint}):`,
    ...previewLines(facts.requests.slice(0, PREVIEW_SIZE), n),
  ];
  const { confirm } = await import("./prompt.js");
  return confirm(term, lines, "Ban these users?", interrupt);
}
