import type { ChalkInstance } from "chalk";
import type { Result, RoomKey, Summary } from "../plan/types.js";
import { escapeControls } from "./escape.js";
import { hintFor } from "./hints.js";

export function roomLabel(room: RoomKey): string {
  return escapeControls(room.roomIdType === "string" ? JSON.stringify(room.roomId) : String(room.roomId));
}

const MUTE_LABELS = ["unmute", "mute audio and video", "mute audio", "mute video"] as const;

const ICONS: Record<Result["status"], [string, keyof ChalkInstance]> = {
  done: ["✔", "green"],
  "already-gone": ["○", "cyan"],
  failed: ["✖", "red"],
  planned: ["•", "blue"],
  "not-started": ["–", "yellow"],
};

/** One line (plus a hint line for failures) per request. */
export function renderResult(result: Result, c: ChalkInstance): string {
  const [icon, colour] = ICONS[result.status];
  const paint = c[colour] as ChalkInstance;
  const users = result.userIds ? ` ${result.isMute === undefined ? "users" : "user"} ${result.userIds.join(",")}` : "";
  const mute = result.isMute === undefined ? "" : ` ${MUTE_LABELS[result.isMute]}`;
  const head = `${paint(icon)} ${c.bold(result.action)} room ${roomLabel(result)}${users}${mute}`;
  const rid = result.requestId ? c.dim(` RequestId ${escapeControls(result.requestId)}`) : "";
  const tries = result.attempts > 1 ? c.dim(` (${result.attempts} attempts)`) : "";
  switch (result.status) {
    case "done": {
      const note = result.note ? c.dim(` — room already gone on retry (${escapeControls(result.note.code)}); an earlier attempt took effect`) : "";
      const verified = result.verified === undefined ? "" : result.verified ? ` ${c.green("verified")}` : ` ${c.yellow("not verified")}`;
      return `${head} ${paint("done")}${verified}${tries}${rid}${note}\n`;
    }
    case "already-gone":
      return `${head} ${paint("already gone")}${rid}\n`;
    case "planned":
      return `${head} ${paint("planned")} ${c.dim(`SdkAppId ${result.sdkAppId}`)}\n`;
    case "not-started": {
      const why = result.error ? `: ${escapeControls(result.error.message)}` : "";
      return `${head} ${paint("not started")}${why}\n`;
    }
    case "failed": {
      const err = result.error!;
      const hint = hintFor(err.code, result.action);
      const errRid = err.requestId ? c.dim(` RequestId ${escapeControls(err.requestId)}`) : "";
      return `${head} ${paint("failed")} ${paint(escapeControls(err.code))}: ${escapeControls(err.message)}${tries}${errRid}\n${hint ? `    ${c.dim(`hint: ${hint}`)}\n` : ""}`;
    }
  }
}

export function renderSummary(summary: Summary, c: ChalkInstance): string {
  if (summary.planned === summary.total) return `${summary.total} request${summary.total === 1 ? "" : "s"} planned (dry run: nothing sent)\n`;
  const parts: string[] = [];
  if (summary.done) parts.push(c.green(`${summary.done} done`));
  if (summary.alreadyGone) parts.push(c.cyan(`${summary.alreadyGone} already gone`));
  if (summary.failed) parts.push(c.red(`${summary.failed} failed`));
  if (summary.notStarted) parts.push(c.yellow(`${summary.notStarted} not started`));
  if (summary.planned) parts.push(`${summary.planned} planned`);
  if (summary.unverified) parts.push(c.yellow(`${summary.unverified} not verified`));
  return `${summary.total} requests: ${parts.join(", ")}\n`;
}

export function renderError(message: string, hint: string | undefined, c: ChalkInstance): string {
  return `${c.red("error:")} ${escapeControls(message)}\n${hint ? `${c.dim(`hint: ${escapeControls(hint)}`)}\n` : ""}`;
}
