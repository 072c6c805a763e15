import { parentPort, workerData } from "node:worker_threads";
import type { IncomingEvent } from "../events/types.js";
import { CliError } from "../errors.js";
import { openStore } from "./open.js";

// The receiver's store in its own thread: SQLite work and each commit's fsync no longer stall the HTTP side.
export interface Request {
  id: number;
  op: "append" | "ping" | "close";
  events?: IncomingEvent[];
}

export interface Reply {
  id: number;
  result?: unknown;
  error?: { message: string; exitCode?: number; hint?: string };
}

const port = parentPort!;
const failure = (err: unknown): Reply["error"] => (err instanceof CliError ? { message: err.message, exitCode: err.exitCode, ...(err.hint ? { hint: err.hint } : {}) } : { message: (err as Error).message ?? String(err) });

try {
  const store = await openStore((workerData as { url: string }).url);
  port.postMessage({ id: 0, result: store.label } satisfies Reply);
  port.on("message", async ({ id, op, events }: Request) => {
    try {
      // Buffers arrive as plain Uint8Arrays after the structured clone.
      const result = op === "append" ? await store.append(events!.map((e) => ({ ...e, raw: Buffer.from(e.raw.buffer, e.raw.byteOffset, e.raw.byteLength) }))) : op === "ping" ? await store.ping() : await store.close();
      port.postMessage({ id, result } satisfies Reply);
      if (op === "close") port.close();
    } catch (err) {
      port.postMessage({ id, error: failure(err) } satisfies Reply);
    }
  });
} catch (err) {
  port.postMessage({ id: 0, error: failure(err) } satisfies Reply);
  port.close();
}
