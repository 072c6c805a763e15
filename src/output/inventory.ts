import type { AppendOutcome, IncomingEvent } from "../events/types.js";
import type { Coverage, Room, RoomListing } from "../store/types.js";
import { escapeControls, jsonString, safeJson } from "./escape.js";
import { writeLines } from "./lines.js";
import { roomLabel } from "./render.js";
import type { OutputFormat } from "./reporter.js";
import { shortTime, tableLine } from "./table.js";
import type { Terminal } from "./terminal.js";

export const WHAT: Record<number, string> = { 101: "room created", 102: "room dismissed", 103: "entered", 104: "left", 105: "switched role" };
export const LEFT_BECAUSE: Record<number, string> = { 1: "left", 2: "timed out", 3: "kicked", 4: "cross-room call cancelled", 5: "process killed" };

/** One stored callback, as `events serve` and `events ingest` report it: ndjson (json too, since the stream never ends) or one line. */
export function printEvent(term: Terminal, format: OutputFormat, incoming: IncomingEvent, outcome: AppendOutcome): void {
  const { event } = incoming;
  const r = event.room;
  if (format !== "pretty") {
    const record = r
      ? {
          eventGroupId: event.groupId,
          eventType: event.type,
          sdkAppId: incoming.sdkAppId,
          roomId: r.roomId,
          roomIdType: r.roomIdType,
          userId: r.userId || null,
          role: r.role,
          reason: r.reason,
          eventAt: new Date(r.eventMs).toISOString(),
          status: outcome,
        }
      : {
          eventGroupId: event.groupId,
          eventType: event.type,
          sdkAppId: incoming.sdkAppId,
          callbackAt: new Date(event.callbackMs).toISOString(),
          status: outcome,
        };
    return term.out(`${safeJson(record)}\n`);
  }
  const c = term.outColor;
  const dup = outcome === "duplicate" ? c.dim(" (duplicate: applied once)") : "";
  if (!r)
    return term.out(
      `${new Date(event.callbackMs).toISOString().slice(11, 23)} ${c.dim(`group ${event.groupId} event ${event.type}: kept, not a room event`)}${dup}\n`,
    );
  const why = r.type === 104 && r.reason !== null ? ` (${LEFT_BECAUSE[r.reason] ?? `reason ${r.reason}`})` : r.role && r.type !== 104 ? ` as ${r.role}` : "";
  const who = r.userId && r.type !== 101 ? ` ${escapeControls(r.userId)}` : "";
  term.out(`${new Date(r.eventMs).toISOString().slice(11, 23)} ${c.bold(String(r.type))} room ${roomLabel(r)}${who} ${WHAT[r.type]}${why}${dup}\n`);
}

export function printReceiving(term: Terminal, url: string, sdkAppId: number, store: string, forwards: string[]): void {
  const lines = [`receiving TRTC callbacks for SdkAppId ${sdkAppId} on ${url} (health: GET /healthz)`, `inventory: ${store}`];
  if (forwards.length) lines.push(`forwarding to: ${forwards.join(", ")}`);
  term.err(`${escapeControls(lines.join("\n"), true)}\n`);
}

export function printBadLine(term: Terminal, line: number, reason: string): void {
  term.err(`${term.errColor.red(`line ${line}:`)} ${escapeControls(reason)}\n`);
}

function memberList(room: Room, width = 40): string {
  const names = room.members.map((m) => m.userId).join(", ");
  const text = names.length > width ? `${names.slice(0, width - 1)}…` : names;
  return `${room.members.length}${text ? ` (${text})` : ""}`;
}

/** Coverage as the machine formats carry it: both null when no callback ever arrived. */
export const coverageRecord = (coverage: Coverage | null) => coverage ?? { since: null, lastEventAt: null };

/** Coverage in one line: what the inventory cannot know. */
export function coverageLine(coverage: Coverage | null, sdkAppId: number): string {
  if (!coverage) return `the inventory has never received a callback for SdkAppId ${sdkAppId}: it knows no room`;
  return `callbacks received since ${coverage.since} (latest ${coverage.lastEventAt}): rooms and members from before are unknown`;
}

/** An ISO 8601 time (the store writes them) needs no escaping. */
const time = (iso: string | null) => (iso === null ? "null" : `"${iso}"`);

/**
 * safeJson(room), field by field: JSON.stringify of a whole Room is most of a long listing's time. Same
 * bytes (test/unit/room-json.test.ts holds them together); a field added to Room must be added here.
 */
export function roomJson(r: Room): string {
  let members = "";
  for (const m of r.members) members += `${members ? "," : ""}{"userId":${jsonString(m.userId)},"role":${jsonString(m.role)},"since":${time(m.since)}}`;
  const id = typeof r.roomId === "number" ? String(r.roomId) : jsonString(r.roomId);
  return `{"sdkAppId":${r.sdkAppId},"roomId":${id},"roomIdType":"${r.roomIdType}","live":${r.live},"createdAt":${time(r.createdAt)},"lastEventAt":${time(r.lastEventAt)},"closedAt":${time(r.closedAt)},"members":[${members}]}`;
}

const ROOM_HEAD = ["ROOM", "TYPE", "STATE", "CREATED (UTC)", "LAST EVENT (UTC)", "MEMBERS"];
const roomCells = (r: Room) => [
  roomLabel(r),
  r.roomIdType,
  r.live ? "live" : "closed",
  shortTime(r.createdAt),
  shortTime(r.lastEventAt),
  escapeControls(memberList(r)),
];

/**
 * `rooms list`, streamed page by page: a JSON document (a Room a line inside it), one Room a line and a
 * summary line with the coverage, or a table whose column widths come from its first page (1,000
 * rooms); a wider id later shifts only its own line.
 */
export async function printRooms(term: Terminal, listing: RoomListing, format: OutputFormat): Promise<void> {
  const coverage = coverageRecord(listing.coverage);
  let count = 0;
  if (format === "json") {
    term.out(`{\n  "ok": true,\n  "coverage": ${safeJson(coverage)},\n  "rooms": [`);
    for await (const page of listing.pages) {
      await writeLines(term, page, (r) => `${count++ ? "," : ""}\n    ${roomJson(r)}`);
    }
    term.out(`${count ? "\n  " : ""}],\n  "summary": ${safeJson({ count })}\n}\n`);
  } else if (format === "ndjson") {
    for await (const page of listing.pages) {
      count += page.length;
      await writeLines(term, page, (r) => `${roomJson(r)}\n`);
    }
    term.out(`${safeJson({ summary: { count }, coverage })}\n`);
  } else {
    let line: ((cells: string[]) => string) | undefined;
    for await (const page of listing.pages) {
      const rows = page.map(roomCells);
      if (!line) {
        line = tableLine(ROOM_HEAD, rows);
        term.out(term.outColor.bold(line(ROOM_HEAD)));
      }
      count += rows.length;
      await writeLines(term, rows, line);
    }
    term.out(`${count} ${listing.live ? "live " : ""}room${count === 1 ? "" : "s"}\n`);
    term.out(`${term.outColor.dim(coverageLine(listing.coverage, listing.sdkAppId))}\n`);
  }
  await term.outDrained();
}

/** `rooms show`: one Room. */
export function printRoom(term: Terminal, room: Room, coverage: Coverage | null, format: OutputFormat): void {
  if (format !== "pretty") return term.out(`${safeJson({ ok: true, room, coverage: coverageRecord(coverage) }, format === "json" ? 2 : undefined)}\n`);
  const lines = [
    `room        ${roomLabel(room)} (${room.roomIdType})`,
    `state       ${room.live ? "live" : "closed"}`,
    `created     ${room.createdAt ?? "-"}`,
    `last event  ${room.lastEventAt}`,
    `closed      ${room.closedAt ?? "-"}`,
    `members     ${room.members.length}`,
    ...room.members.map((m) => `  ${escapeControls(m.userId)}  ${m.role}  since ${m.since}`),
  ];
  term.out(`${lines.join("\n")}\n${term.outColor.dim(coverageLine(coverage, room.sdkAppId))}\n`);
}
