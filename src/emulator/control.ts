import type { IncomingMessage, ServerResponse } from "node:http";
import { validateClientRequest } from "./clients.js";
import { ControlError, readJson, refuseBrowserRequest, send } from "./control-http.js";
import { validateFault } from "./fault-spec.js";
import { validateSeed } from "./seed.js";
import type { Emulator } from "./server.js";
import { checkSettings } from "./settings.js";

export { MAX_CONTROL_BODY } from "./control-http.js";

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
      case "POST /_emulator/clients":
        return send(res, 200, { ok: true, room: emulator.clients.apply(validateClientRequest(await readJson(req), emulator.store)) });
      case "GET /_emulator/callbacks":
        return send(res, 200, { callbacks: emulator.callbacks?.log ?? [] });
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
