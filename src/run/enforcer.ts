import type { PlannedRequest, Result } from "../plan/types.js";
import { RequestStream } from "./request-stream.js";
import { type SendSettings, sendAll } from "./send.js";

export interface Enforcer {
  /** Queues a request at once; it is sent under the same rate limit and retries as any run. */
  enforce(request: PlannedRequest): void;
  /** Stops taking requests, lets queued and in-flight ones finish. */
  close(): Promise<void>;
}

/** A long-lived run of the engine, fed as events arrive: how bans are enforced while events are received. */
export function startEnforcer(settings: SendSettings, onResult: (result: Result) => void | Promise<void>): Enforcer {
  const stream = new RequestStream();
  const running = sendAll(stream, settings, onResult);
  return {
    enforce: (request) => stream.push(request),
    async close() {
      stream.end();
      await running;
    },
  };
}
