import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { AppendOutcome, EventSink, IncomingEvent } from "../events/types.js";
import { CliError, type ExitCode } from "../errors.js";
import { openStore } from "./open.js";
import type { Reply, Request } from "./worker.js";

export interface ReceiverSink extends EventSink {
  readonly label: string;
  close(): Promise<void>;
}

/** The bundle ships the worker beside its chunks; run from source (the tests), there is none and the store runs in this thread. */
const WORKER = new URL("./inventory-worker.js", import.meta.url);

/** Opens the receiver's store in a worker thread when one is available; same contract either way. */
export async function openReceiverSink(url: string): Promise<ReceiverSink> {
  if (!existsSync(fileURLToPath(WORKER))) return openStore(url);
  const worker = new Worker(WORKER, { workerData: { url } });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let next = 1;
  const toError = (e: NonNullable<Reply["error"]>) => (e.exitCode ? new CliError(e.message, e.exitCode as ExitCode, "ConfigError", e.hint) : new Error(e.message));
  const opened = new Promise<string>((resolve, reject) => pending.set(0, { resolve: (v) => resolve(v as string), reject }));
  worker.on("message", ({ id, result, error }: Reply) => {
    const waiter = pending.get(id);
    pending.delete(id);
    if (error) waiter?.reject(toError(error));
    else waiter?.resolve(result);
  });
  // A crashed worker fails whatever waits (the receiver answers 500), never the process.
  worker.on("error", (err) => [...pending.values()].forEach((w) => w.reject(err)));
  worker.on("exit", () => [...pending.values()].forEach((w) => w.reject(new Error("the store's worker exited"))));
  const call = <T>(op: Request["op"], events?: IncomingEvent[]) =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve: (v) => resolve(v as T), reject });
      worker.postMessage({ id, op, ...(events ? { events } : {}) } satisfies Request);
    });
  const label = await opened.catch(async (err: unknown) => {
    await worker.terminate();
    throw err;
  });
  return {
    label,
    append: (events) => call<AppendOutcome[]>("append", events),
    ping: () => call<void>("ping"),
    async close() {
      await call<void>("close").catch(() => undefined);
      await worker.terminate();
    },
  };
}
