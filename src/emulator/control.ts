import type { IncomingMessage, ServerResponse } from "node:http";
import { validateFault } from "./faults.js";
import { validateSeed } from "./seed.js";
import type { Emulator, EmulatorSettings } from "./server.js";

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" }).end(`${JSON.stringify(body)}\n`);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text.trim() ? JSON.parse(text) : {};
}

function checkSettings(body: unknown): Partial<EmulatorSettings> {
  const patch = body as Partial<EmulatorSettings>;
  const out: Partial<EmulatorSettings> = {};
  if (patch.rateLimit !== undefined) {
    if (!Number.isInteger(patch.rateLimit) || patch.rateLimit < 0) throw new Error("rateLimit must be a non-negative integer");
    out.rateLimit = patch.rateLimit;
  }
  if (patch.latencyMs !== undefined) {
    if (typeof patch.latencyMs !== "number" || patch.latencyMs < 0) throw new Error("latencyMs must be a non-negative number");
    out.latencyMs = patch.latencyMs;
  }
  if (patch.lenientSigning !== undefined) out.lenientSigning = Boolean(patch.lenientSigning);
  return out;
}

/** The unsigned, loopback-only control API under /_emulator/. */
export async function handleControl(emulator: Emulator, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const route = `${req.method} ${path.replace(/\/+$/, "")}`;
  const query = new URL(req.url ?? "/", "http://x").searchParams;
  try {
    switch (route) {
      case "GET /_emulator/health":
        return send(res, 200, { ok: true });
      case "GET /_emulator/state":
        return send(res, 200, emulator.store.snapshot());
      case "POST /_emulator/seed":
        emulator.store.seed(validateSeed(await readJson(req)));
        return send(res, 200, emulator.store.snapshot());
      case "POST /_emulator/reset":
        emulator.reset();
        return send(res, 200, { ok: true });
      case "GET /_emulator/events": {
        const since = Number(query.get("since") ?? 0);
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
    send(res, 400, { error: err instanceof Error ? err.message : String(err) });
  }
}
