import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { checkCallback, type Expected, MAX_BODY_BYTES } from "./check.js";
import type { Forwarder } from "./forward.js";
import { GroupCommit } from "./group-commit.js";
import { readBody } from "./read-body.js";
import type { AppendOutcome, EventSink, IncomingEvent } from "./types.js";

export interface ReceiverOptions {
  host: string;
  port: number;
  /** The callback path; GET /healthz is served beside it. */
  path: string;
  expected: Expected;
  sink: EventSink;
  forwarder?: Forwarder;
  onEvent: (event: IncomingEvent, outcome: AppendOutcome) => void;
  /** A refused request: status and reason (never the key). */
  onReject: (status: number, reason: string) => void;
  onStoreError: (err: unknown) => void;
}

export interface Receiver {
  url: string;
  /** Stops accepting, finishes requests in flight and their commits, then lets forwarding finish (bounded). */
  close(forwardGraceMs?: number): Promise<void>;
}

const FORWARDED = ["sign", "sdkappid", "content-type"] as const;

function answer(res: ServerResponse, status: number, body: object, close = false): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) };
  if (close) headers.Connection = "close";
  res.writeHead(status, headers).end(text);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === "string" ? value : undefined;
}

/** Sign, SdkAppId and Content-Type as they arrived, names spelled as TRTC sent them. */
function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if ((FORWARDED as readonly string[]).includes(name.toLowerCase()) && !(name in headers)) headers[name] = req.rawHeaders[i + 1]!;
  }
  return headers;
}

export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const commit = new GroupCommit<IncomingEvent, AppendOutcome>((events) => options.sink.append(events));
  let inFlight = 0;
  let idle: (() => void) | undefined;
  let closing = false;

  async function receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_BODY_BYTES);
    if (!body.ok) {
      options.onReject(413, `body over ${MAX_BODY_BYTES} bytes`);
      answer(res, 413, { code: 413, message: "body too large" }, body.drop);
      if (body.drop) res.on("finish", () => req.socket.destroy());
      return;
    }
    const verdict = checkCallback(body.raw, header(req, "sign"), header(req, "sdkappid"), options.expected);
    if (!verdict.ok) {
      options.onReject(verdict.status, verdict.reason);
      return answer(res, verdict.status, { code: verdict.status, message: verdict.reason });
    }
    const incoming: IncomingEvent = { sdkAppId: options.expected.sdkAppId, event: verdict.event, raw: body.raw, source: "trtc" };
    // Queued in the transaction that stores the event, so a 200 is never lost for forwarding.
    const forward = options.forwarder?.request(forwardedHeaders(req));
    if (forward) incoming.forward = forward;
    let outcome: AppendOutcome;
    try {
      outcome = await commit.submit(incoming);
    } catch (err) {
      options.onStoreError(err);
      return answer(res, 500, { code: 500, message: "store failed; retry" });
    }
    answer(res, 200, { code: 0 });
    options.onEvent(incoming, outcome);
    options.forwarder?.stored(incoming, outcome);
  }

  async function health(res: ServerResponse): Promise<void> {
    const ok = await options.sink.ping().then(
      () => true,
      () => false,
    );
    answer(res, ok ? 200 : 503, { ok });
  }

  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => {
    const path = (req.url ?? "").split("?")[0];
    let work: Promise<void>;
    // After an interrupt, a request on a kept-alive connection is turned away (TRTC retries it), and the connection closed.
    if (closing) work = Promise.resolve(answer(res, 503, { code: 503, message: "shutting down" }, true));
    else if (req.method === "GET" && path === "/healthz") work = health(res);
    else if (path !== options.path) work = Promise.resolve(answer(res, 404, { code: 404, message: "not found" }));
    else if (req.method !== "POST") work = Promise.resolve(answer(res, 405, { code: 405, message: "POST only" }));
    else work = receive(req, res);
    inFlight++;
    // Hostile input must never take the receiver down: whatever slips through is a 500.
    void work
      .catch((err: unknown) => {
        options.onReject(500, `internal error: ${(err as Error).message ?? String(err)}`);
        if (!res.headersSent) answer(res, 500, { code: 500, message: "internal error" });
      })
      .finally(() => {
        if (--inFlight === 0) idle?.();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}${options.path}`;
  options.forwarder?.start(`${hostname()} ${url}`);
  return {
    url,
    async close(forwardGraceMs = 10_000) {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
      await commit.drain();
      server.closeAllConnections();
      await closed;
      await options.forwarder?.drain(forwardGraceMs);
    },
  };
}
