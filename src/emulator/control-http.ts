import type { IncomingMessage, ServerResponse } from "node:http";
import { isLoopback } from "./rules.js";

/** Largest control request body read; a seed or fault is far smaller. */
export const MAX_CONTROL_BODY = 1 << 20;

/** A refusal with its HTTP status (anything else thrown while handling is a 400). */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" }).end(`${JSON.stringify(body)}\n`);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Refuses what a web page could make a developer's browser send. Browsers add Origin to every
 * cross-origin POST (and to same-origin ones), and a DNS-rebound page reaches the port under its
 * own host name, so: no Origin at all, a loopback Host, and POST bodies as application/json,
 * which no form or simple cross-origin request can send without a preflight (that this API never
 * answers).
 */
export function refuseBrowserRequest(req: IncomingMessage): void {
  if (req.headers.origin !== undefined) throw new ControlError(403, "the control API refuses requests that carry an Origin header (browser requests)");
  const host = /^(\[[^\]]*\]|[^:]*)(:\d*)?$/.exec(header(req, "host") ?? "")?.[1] ?? "";
  if (!isLoopback(host))
    throw new ControlError(403, "the control API answers only requests addressed to a loopback host (Host: 127.0.0.1, localhost or [::1])");
  if (req.method === "POST") {
    const type = (header(req, "content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") throw new ControlError(415, "control POST requests must have Content-Type: application/json");
  }
}

/** The body as JSON; all of it is read (past the limit, discarded) so the answer reaches the client. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_CONTROL_BODY) chunks.push(chunk as Buffer);
  }
  if (size > MAX_CONTROL_BODY) throw new ControlError(413, `the control request body is over ${MAX_CONTROL_BODY} bytes`);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new Error("the request body is not valid JSON");
  }
}
