import type { PlannedRequest } from "../plan/types.js";
import { roomLabel } from "./render.js";
import type { Terminal } from "./terminal.js";

/** How many requests a confirmation shows in full. */
export const PREVIEW_SIZE = 5;

export interface ConfirmationFacts {
  verb: string;
  total: number;
  sdkAppId: number;
  region: string;
  endpoint: string;
  /** The first few requests, shown in full. */
  preview: PlannedRequest[];
}

/** The requests shown in full, then how many more there are. */
export function previewLines(preview: PlannedRequest[], total: number): string[] {
  return [...preview.map((p) => `  ${p.action} ${describeTarget(p)}`), ...(total > preview.length ? [`  … and ${total - preview.length} more`] : [])];
}

function describeTarget(request: PlannedRequest): string {
  const room = `room ${roomLabel(request.room)}`;
  return "userIds" in request ? `${room}: ${request.userIds.join(", ")}` : room;
}

/** Asks before changing production state (default No); "interrupted" when Ctrl-C is pressed at the prompt. */
export async function confirmOperation(term: Terminal, facts: ConfirmationFacts, interrupt: AbortSignal): Promise<"yes" | "no" | "interrupted"> {
  const { total } = facts;
  const lines = [
    `About to send ${total} request${total === 1 ? "" : "s"} to SdkAppId ${facts.sdkAppId} in ${facts.region} (${facts.endpoint}):`,
    ...previewLines(facts.preview, total),
  ];
  const { confirm } = await import("./prompt.js");
  return confirm(term, lines, `${facts.verb}?`, interrupt);
}
