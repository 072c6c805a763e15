import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ACTIONS, ApiError, applyAction, checkRegion, roomParam } from "./api.js";
import type { Fault } from "./faults.js";
import type { RequestRecord } from "./request-record.js";
import type { Emulator } from "./server.js";
import { verifyTc3 } from "./signature.js";

const API_VERSION = "2019-07-22";
const MAX_BODY = 1 << 20;

/** Latency runs to its end, even for a client that went away (it is answered into a closed socket). */
function delay(emulator: Emulator, ms: number): Promise<boolean> {
  // A signal of its own: a sleep listens on it, and many on one signal trip MaxListenersExceededWarning.
  return emulator.clock.sleep(ms, new AbortController().signal);
}

/** The whole body, or undefined past the size limit. */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseParams(body: Buffer): Record<string, unknown> {
  let params: unknown;
  try {
    params = JSON.parse(body.toString("utf8"));
  } catch {
    throw new ApiError("InvalidParameter", "The request body is not valid JSON.");
  }
  if (!params || typeof params !== "object" || Array.isArray(params)) throw new ApiError("InvalidParameter", "The request body must be a JSON object.");
  return params as Record<string, unknown>;
}

/** Answers for a fault that replaces the normal response; returns true when it did. */
function answerFault(fault: Fault, req: IncomingMessage, res: ServerResponse, record: RequestRecord): boolean {
  switch (fault.kind) {
    case "error":
      throw new ApiError(fault.code!, fault.message ?? `Injected ${fault.code}.`);
    case "http":
      record.outcome = "http";
      record.code = `HTTP ${fault.status}`;
      res.writeHead(fault.status!, { "Content-Type": "text/plain" }).end("injected failure\n");
      return true;
    case "hang":
      record.outcome = "hang";
      return true;
    case "reset":
      record.outcome = "reset";
      req.socket.resetAndDestroy();
      return true;
    case "malformed":
      record.outcome = "malformed";
      res.writeHead(200, { "Content-Type": "application/json" }).end(`{"Response": {"RequestId": "${record.requestId}"`);
      return true;
    default:
      return false;
  }
}

/**
 * One TRTC API request, checked in the service's order: signature, version and action,
 * rate limit, injected faults, region, parameters; then applied to the room store.
 */
export async function serveApi(emulator: Emulator, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const body = await readBody(req);
  const action = header(req, "x-tc-action") ?? null;
  const record: RequestRecord = {
    seq: emulator.nextSeq(),
    time: new Date().toISOString(),
    t: emulator.elapsedMs(),
    action,
    sdkAppId: null,
    roomId: null,
    region: header(req, "x-tc-region") ?? null,
    credentialScope: /Credential=[^/]+\/([^,]+)/.exec(header(req, "authorization") ?? "")?.[1] ?? null,
    outcome: "ok",
    code: null,
    requestId: randomUUID(),
  };
  emulator.log(record);
  const respond = (code?: string, message?: string) => {
    record.outcome = code ? "error" : "ok";
    record.code = code ?? null;
    const response = code ? { Error: { Code: code, Message: message }, RequestId: record.requestId } : { RequestId: record.requestId };
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ Response: response }));
  };
  if (emulator.settings.latencyMs > 0) await delay(emulator, emulator.settings.latencyMs);

  try {
    if (req.method !== "POST" || path !== "/") throw new ApiError("UnsupportedProtocol", "Only POST to / is supported by this emulator.");
    if (body === undefined) throw new ApiError("RequestSizeLimitExceeded", "The request body is larger than 1 MB.");
    const auth = verifyTc3(
      { method: req.method, headers: req.headers, body },
      {
        secretKeyFor: (id) => (id === emulator.secretId ? emulator.secretKey : undefined),
        sessionToken: emulator.sessionToken,
        nowSeconds: Math.floor(Date.now() / 1000),
        lenientService: emulator.settings.lenientSigning,
      },
    );
    if (!auth.ok) throw new ApiError(auth.code, auth.message);
    const version = header(req, "x-tc-version");
    if (version !== API_VERSION) throw new ApiError("NoSuchVersion", `The API version ${version ?? "(none)"} does not exist.`);
    if (!action || !Object.hasOwn(ACTIONS, action) || emulator.settings.unavailableActions.includes(action))
      throw new ApiError("InvalidAction", `The action ${action ?? "(none)"} does not exist.`);
    const params = parseParams(body);
    record.sdkAppId = params.SdkAppId ?? null;
    record.roomId = roomParam(action, params) ?? null;
    if (params.UserIds !== undefined) record.userIds = params.UserIds;
    if (params.UserId !== undefined) record.userId = params.UserId;
    if (params.IsMute !== undefined) record.isMute = params.IsMute;
    if (!emulator.limiter.tryTake(`${String(params.SdkAppId)}/${action}`)) {
      throw new ApiError("RequestLimitExceeded", `Requests for ${action} exceed ${emulator.settings.rateLimit} per second.`);
    }
    const fault = emulator.faults.take(action, record.roomId);
    if (fault?.kind === "latency") await delay(emulator, fault.ms ?? 0);
    if (fault && answerFault(fault, req, res, record)) return;
    checkRegion(header(req, "x-tc-region"));
    applyAction(emulator.store, action, params);
    if (fault?.kind === "lose-response") {
      record.outcome = "lost";
      req.socket.resetAndDestroy();
      return;
    }
    respond();
  } catch (err) {
    if (err instanceof ApiError) return respond(err.code, err.message);
    respond("InternalError", "The emulator failed unexpectedly.");
  }
}
