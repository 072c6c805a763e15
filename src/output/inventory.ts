import type { AppendOutcome, IncomingEvent } from "../events/types.js";
import type { Room } from "../store/types.js";
import { escapeControls, safeJson } from "./escape.js";
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

const CHUNK = 500;

/** Writes in chunks, waiting whenever stdout backs up: 100,000 rooms must neither sit in memory twice nor be cut off at exit. */
async function writeChunks<T>(term: Terminal, items: T[], render: (item: T, index: number) => string): Promise<void> {
  for (let i = 0; i < items.length; i += CHUNK) {
    term.out(
      items
        .slice(i, i + CHUNK)
        .map((item, k) => render(item, i + k))
        .join(""),
    );
    await term.outDrained();
  }
}

/** `rooms list`: a table, one JSON document (a Room a line inside it), or one Room a line and a summary. */
export async function printRooms(term: Terminal, rooms: Room[], format: OutputFormat, live: boolean): Promise<void> {
  const summary = { count: rooms.length };
  if (format === "json") {
    term.out('{\n  "ok": true,\n  "rooms": [');
    await writeChunks(term, rooms, (r, i) => `${i ? "," : ""}\n    ${safeJson(r)}`);
    term.out(`${rooms.length ? "\n  " : ""}],\n  "summary": ${safeJson(summary)}\n}\n`);
  } else if (format === "ndjson") {
    await writeChunks(term, rooms, (r) => `${safeJson(r)}\n`);
    term.out(`${safeJson({ summary })}\n`);
  } else {
    const rows = rooms.map((r) => [
      roomLabel(r),
      r.roomIdType,
      r.live ? "live" : "closed",
      shortTime(r.createdAt),
      shortTime(r.lastEventAt),
      escapeControls(memberList(r)),
    ]);
    const head = ["ROOM", "TYPE", "STATE", "CREATED (UTC)", "LAST EVENT (UTC)", "MEMBERS"];
    const line = tableLine(head, rows);
    if (rows.length) term.out(term.outColor.bold(line(head)));
    await writeChunks(term, rows, line);
    term.out(`${rooms.length} ${live ? "live " : ""}room${rooms.length === 1 ? "" : "s"}\n`);
  }
  await term.outDrained();
}

/** `rooms show`: one Room. */
export function printRoom(term: Terminal, room: Room, format: OutputFormat): void {
  if (format !== "pretty") return term.out(`${safeJson({ ok: true, room }, format === "json" ? 2 : undefined)}\n`);
  const lines = [
    `room        ${roomLabel(room)} (${room.roomIdType})`,
    `state       ${room.live ? "live" : "closed"}`,
    `created     ${room.createdAt ?? "-"}`,
    `last event  ${room.lastEventAt}`,
    `closed      ${room.closedAt ?? "-"}`,
    `members     ${room.members.length}`,
    ...room.members.map((m) => `  ${escapeControls(m.userId)}  ${m.role}  since ${m.since}`),
  ];
  term.out(`${lines.join("\n")}\n`);
}
