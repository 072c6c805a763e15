import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { hostname } from "node:os";
import { checkCallback, type Expected, MAX_BODY_BYTES } from "./check.js";
import type { Forwarder } from "./forward.js";
import { GroupCommit } from "./group-commit.js";
import { CONTENT_TYPE, Metrics } from "./metrics.js";
import { readBody } from "./read-body.js";
import type { AppendOutcome, EventSink, IncomingEvent } from "./types.js";

/**
 * Slow or idle clients must not exhaust descriptors: TRTC sends a callback at once and waits 5 s for
 * the answer, so anything slower is not TRTC. The cap stays well under a typical 256 or 1024 limit,
 * leaving room for the store's and forwarding's own sockets.
 */
export interface ReceiverLimits {
  maxConnections: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export const DEFAULT_LIMITS: ReceiverLimits = { maxConnections: 128, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, keepAliveTimeoutMs: 5000 };

/**
 * How long a stopping receiver lets forward deliveries on the wire finish. Short: the rest stay
 * queued in the store for the next start, and SIGTERM must end the process within 10 s.
 */
const FORWARD_GRACE_MS = 2000;

/** Commit latency buckets, in seconds: a commit is a few ms; TRTC gives up at 5 s. */
const COMMIT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface ReceiverOptions {
  host: string;
  port: number;
  /** The callback path; GET /healthz is served beside it. */
  path: string;
  expected: Expected;
  sink: EventSink;
  forwarder?: Forwarder;
  /** Served on GET /metrics; the receiver adds its own counters to it. */
  metrics?: Metrics;
  limits?: Partial<ReceiverLimits>;
  onEvent: (event: IncomingEvent, outcome: AppendOutcome) => void;
  /** A refused request: status (null: the client went away unanswered), reason (never the key) and the peer's address. */
  onReject: (status: number | null, reason: string, peer: string) => void;
  /** A commit failed (answered 500). */
  onStoreError: (err: unknown) => void;
  /** A commit succeeded after `failed` callbacks were answered 500. */
  onStoreBack?: (failed: number) => void;
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

function peerOf(socket: Socket): string {
  const { remoteAddress: address, remotePort: port } = socket;
  if (address === undefined) return "unknown peer";
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
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
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const metrics = options.metrics ?? new Metrics();
  const answered = metrics.counter("trtc_admin_callbacks_total", "Callback requests by the HTTP status answered.");
  const commitSeconds = metrics.histogram(
    "trtc_admin_store_commit_seconds",
    "Time to commit a batch of callbacks durably (successful commits).",
    COMMIT_BUCKETS,
  );
  let storeFailures = 0;
  metrics.gauge("trtc_admin_store_up", "1 while the last commit succeeded, 0 after a failed one.", () => (storeFailures ? 0 : 1));
  const commit = new GroupCommit<IncomingEvent, AppendOutcome>(
    async (events) => {
      const started = performance.now();
      const outcomes = await options.sink.append(events);
      commitSeconds.observe((performance.now() - started) / 1000);
      return outcomes;
    },
    undefined,
    () =>
      options.sink.ping().then(
        () => true,
        () => false,
      ),
  );
  let inFlight = 0;
  let idle: (() => void) | undefined;
  let closing = false;

  function reply(res: ServerResponse, status: number, body: object, close = false): void {
    answered.inc({ code: String(status) });
    answer(res, status, body, close);
  }

  async function receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const peer = peerOf(req.socket);
    const body = await readBody(req, MAX_BODY_BYTES, limits.bodyTimeoutMs);
    if (!body.ok) {
      if (body.why === "gone") return options.onReject(null, "the client went away before sending the whole body", peer);
      const [status, reason, message] =
        body.why === "timeout"
          ? [408, `body not received within ${limits.bodyTimeoutMs} ms`, "request timeout"]
          : [413, `body over ${MAX_BODY_BYTES} bytes`, "body too large"];
      options.onReject(status, reason, peer);
      reply(res, status, { code: status, message }, body.drop);
      if (body.drop) res.on("finish", () => req.socket.destroy());
      return;
    }
    const verdict = checkCallback(body.raw, header(req, "sign"), header(req, "sdkappid"), options.expected);
    if (!verdict.ok) {
      options.onReject(verdict.status, verdict.reason, peer);
      return reply(res, verdict.status, { code: verdict.status, message: verdict.reason });
    }
    const incoming: IncomingEvent = { sdkAppId: options.expected.sdkAppId, event: verdict.event, raw: body.raw, source: "trtc" };
    // Queued in the transaction that stores the event, so a 200 is never lost for forwarding.
    const forward = options.forwarder?.request(forwardedHeaders(req));
    if (forward) incoming.forward = forward;
    let outcome: AppendOutcome;
    try {
      outcome = await commit.submit(incoming);
    } catch (err) {
      storeFailures++;
      options.forwarder?.abandoned(incoming);
      options.onStoreError(err);
      return reply(res, 500, { code: 500, message: "store failed; retry" });
    }
    if (storeFailures) options.onStoreBack?.(storeFailures);
    storeFailures = 0;
    reply(res, 200, { code: 0 });
    options.onEvent(incoming, outcome);
    options.forwarder?.stored(incoming, outcome);
  }

  // 200 only while the store answers; the store itself says whether that proves it can commit.
  async function health(res: ServerResponse): Promise<void> {
    const ok = await options.sink.ping().then(
      () => true,
      () => false,
    );
    answer(res, ok ? 200 : 503, { ok });
  }

  const server = createServer(
    {
      requestTimeout: limits.headersTimeoutMs + limits.bodyTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks the two timeouts above only this often (30 s by default).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
    (req, res) => {
      const path = (req.url ?? "").split("?")[0];
      const onCallbackPath = path === options.path && req.method === "POST";
      let work: Promise<void>;
      // After an interrupt, a request on a kept-alive connection is turned away (TRTC retries it), and the connection closed.
      if (closing) work = Promise.resolve((onCallbackPath ? reply : answer)(res, 503, { code: 503, message: "shutting down" }, true));
      else if (req.method === "GET" && path === "/healthz") work = health(res);
      else if (req.method === "GET" && path === "/metrics")
        work = Promise.resolve(void res.writeHead(200, { "Content-Type": CONTENT_TYPE }).end(metrics.render()));
      else if (path !== options.path) work = Promise.resolve(answer(res, 404, { code: 404, message: "not found" }));
      else if (req.method !== "POST") work = Promise.resolve(answer(res, 405, { code: 405, message: "POST only" }));
      else work = receive(req, res);
      inFlight++;
      // Hostile input must never take the receiver down: whatever slips through is a 500.
      void work
        .catch((err: unknown) => {
          options.onReject(500, `internal error: ${(err as Error).message ?? String(err)}`, peerOf(req.socket));
          if (!res.headersSent) (onCallbackPath ? reply : answer)(res, 500, { code: 500, message: "internal error" });
        })
        .finally(() => {
          if (--inFlight === 0) idle?.();
        });
    },
  );
  server.maxConnections = limits.maxConnections;
  let connections = 0;
  server.on("connection", (socket: Socket) => {
    connections++;
    socket.once("close", () => connections--);
  });
  const dropped = metrics.counter("trtc_admin_connections_dropped_total", "Connections closed at once because the connection cap was reached.");
  server.on("drop", () => dropped.inc());
  metrics.gauge("trtc_admin_connections", "Open client connections.", () => connections);
  const idleClosed = metrics.counter("trtc_admin_idle_connections_closed_total", "Connections closed for sending no request in time.");
  // A request not received in time (a slow client) or not HTTP: logged with the peer, answered as Node would, and closed.
  // A connection that sent nothing at all is only counted: a flood of them would flood the log.
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
    const timedOut = err.code === "ERR_HTTP_REQUEST_TIMEOUT";
    if (timedOut && socket.bytesRead === 0) idleClosed.inc();
    else if (timedOut || err.code?.startsWith("HPE_")) {
      const [status, text, reason] = timedOut
        ? [408, "Request Timeout", `request not received within ${limits.headersTimeoutMs} ms`]
        : err.code === "HPE_HEADER_OVERFLOW"
          ? [431, "Request Header Fields Too Large", "headers too large"]
          : [400, "Bad Request", `not HTTP (${err.code})`];
      options.onReject(status, reason, peerOf(socket));
      if (socket.writable) socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
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
    async close(forwardGraceMs = FORWARD_GRACE_MS) {
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
