import type { IncomingMessage, ServerResponse } from "node:http";
import { MAX_DELAY_MS, validateFault } from "./faults.js";
import { isLoopback } from "./rules.js";
import { validateSeed } from "./seed.js";
import type { Emulator, EmulatorSettings } from "./server.js";

/** Largest control request body read; a seed or fault is far smaller. */
export const MAX_CONTROL_BODY = 1 << 20;

/** A refusal with its HTTP status (anything else thrown while handling is a 400). */
class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
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
function refuseBrowserRequest(req: IncomingMessage): void {
  if (req.headers.origin !== undefined) throw new ControlError(403, "the control API refuses requests that carry an Origin header (browser requests)");
  const host = /^(\[[^\]]*\]|[^:]*)(:\d*)?$/.exec(header(req, "host") ?? "")?.[1] ?? "";
  if (!isLoopback(host)) throw new ControlError(403, "the control API answers only requests addressed to a loopback host (Host: 127.0.0.1, localhost or [::1])");
  if (req.method === "POST") {
    const type = (header(req, "content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") throw new ControlError(415, "control POST requests must have Content-Type: application/json");
  }
}

/** The body as JSON; all of it is read (past the limit, discarded) so the answer reaches the client. */
async function readJson(req: IncomingMessage): Promise<unknown> {
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

const SETTING_KEYS = ["rateLimit", "latencyMs", "lenientSigning"];

/** A settings patch, every key known and of its own type (no "false" read as true). */
function checkSettings(body: unknown): Partial<EmulatorSettings> {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new Error("the config patch must be a JSON object");
  const patch = body as Record<string, unknown>;
  const unknown = Object.keys(patch).filter((key) => !SETTING_KEYS.includes(key));
  if (unknown.length > 0) throw new Error(`unknown setting ${unknown.map((k) => JSON.stringify(k)).join(", ")}; the settings are ${SETTING_KEYS.join(", ")}`);
  const out: Partial<EmulatorSettings> = {};
  if (patch.rateLimit !== undefined) {
    if (!Number.isSafeInteger(patch.rateLimit) || (patch.rateLimit as number) < 0) throw new Error("rateLimit must be a non-negative integer");
    out.rateLimit = patch.rateLimit as number;
  }
  if (patch.latencyMs !== undefined) {
    if (typeof patch.latencyMs !== "number" || !(patch.latencyMs >= 0 && patch.latencyMs <= MAX_DELAY_MS)) throw new Error(`latencyMs must be a number of milliseconds 0..${MAX_DELAY_MS}`);
    out.latencyMs = patch.latencyMs;
  }
  if (patch.lenientSigning !== undefined) {
    if (typeof patch.lenientSigning !== "boolean") throw new Error("lenientSigning must be true or false (a JSON boolean)");
    out.lenientSigning = patch.lenientSigning;
  }
  return out;
}

function sinceParam(query: URLSearchParams): number {
  const text = query.get("since") ?? "0";
  if (!/^\d{1,15}$/.test(text)) throw new Error("since must be a non-negative integer (an event sequence number)");
  return Number(text);
}

/** The unsigned, loopback-only control API under /_emulator/. */
export async function handleControl(emulator: Emulator, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const route = `${req.method} ${path.replace(/\/+$/, "")}`;
  const query = new URL(req.url ?? "/", "http://x").searchParams;
  try {
    refuseBrowserRequest(req);
    switch (route) {
      case "GET /_emulator/health":
        return send(res, 200, { ok: true });
      case "GET /_emulator/state":
        return send(res, 200, emulator.store.snapshot());
      case "POST /_emulator/seed":
        emulator.store.seed(validateSeed(await readJson(req)));
        return send(res, 200, emulator.store.snapshot());
      case "POST /_emulator/reset":
        await readJson(req);
        emulator.reset();
        return send(res, 200, { ok: true });
      case "GET /_emulator/events": {
        const since = sinceParam(query);
        return send(res, 200, { events: emulator.store.events.filter((e) => e.seq > since) });
      }
      case "GET /_emulator/requests":
        return send(res, 200, { requests: emulator.requests });
      case "DELETE /_emulator/requests":
        emulator.requests.length = 0;
        return send(res, 200, { ok: true });
      case "GET /_emulator/faults":
        return send(res, 200, { faults: emulator.faults.list() });
      case "POST /_emulator/faults":
        return send(res, 201, emulator.faults.add(validateFault(await readJson(req))));
      case "DELETE /_emulator/faults":
        emulator.faults.clear();
        return send(res, 200, { ok: true });
      case "GET /_emulator/stats":
        return send(res, 200, emulator.stats());
      case "GET /_emulator/config":
        return send(res, 200, emulator.settings);
      case "POST /_emulator/config":
        emulator.applySettings(checkSettings(await readJson(req)));
        return send(res, 200, emulator.settings);
      default:
        return send(res, 404, { error: `no control route ${route}` });
    }
  } catch (err) {
    send(res, err instanceof ControlError ? err.status : 400, { error: err instanceof Error ? err.message : String(err) });
  }
}
