import type { RoomKey } from "../plan/types.js";
import type { RoomHistoryEvent } from "../store/history.js";
import type { Coverage } from "../store/types.js";
import { escapeControls, safeJson } from "./escape.js";
import { coverageLine, coverageRecord, LEFT_BECAUSE, WHAT } from "./inventory.js";
import { chunkedLines } from "./lines.js";
import { roomLabel } from "./render.js";
import type { OutputFormat } from "./reporter.js";
import type { Terminal } from "./terminal.js";

/** One timeline line: time, event, user, role, reason in words. */
function line(e: RoomHistoryEvent): string {
  const who = e.userId ? ` ${escapeControls(e.userId)}` : "";
  const role = e.role && e.eventType !== 104 ? ` as ${e.role}` : "";
  const why = e.eventType === 104 && e.reason !== undefined ? ` (${LEFT_BECAUSE[e.reason] ?? `reason ${e.reason}`})` : "";
  const by = e.source === "dismissal" ? " (recorded by trtc-admin's dismissal)" : "";
  return `${e.at.replace("T", " ")}  ${e.eventType}  ${WHAT[e.eventType]}${who}${role}${why}${by}\n`;
}

/**
 * `rooms history`: a timeline, one JSON document, or one event a line and a summary, each with the
 * inventory's coverage (events before it are unknown); written as the store pages them in.
 */
export async function printHistory(
  term: Terminal,
  format: OutputFormat,
  room: RoomKey & { sdkAppId: number },
  coverage: Coverage | null,
  events: AsyncIterable<RoomHistoryEvent>,
): Promise<number> {
  let count = 0;
  if (format === "json") term.out('{\n  "ok": true,\n  "events": [');
  else if (format === "pretty") term.out(`${term.outColor.bold(`room ${roomLabel(room)} (${room.roomIdType})`)}\n`);
  const lines = chunkedLines(term);
  for await (const e of events) {
    const wait = lines.add(format === "json" ? `${count ? "," : ""}\n    ${safeJson(e)}` : format === "ndjson" ? `${safeJson(e)}\n` : line(e));
    count++;
    if (wait) await wait;
  }
  lines.flush();
  const summary = { count };
  const covered = coverageRecord(coverage);
  if (format === "json") term.out(`${count ? "\n  " : ""}],\n  "coverage": ${safeJson(covered)},\n  "summary": ${safeJson(summary)}\n}\n`);
  else if (format === "ndjson") term.out(`${safeJson({ summary, coverage: covered })}\n`);
  else term.out(`${count} event${count === 1 ? "" : "s"}\n${term.outColor.dim(coverageLine(coverage, room.sdkAppId))}\n`);
  await term.outDrained();
  return count;
}
