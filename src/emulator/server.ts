import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { isLoopbackHost } from "../trtc/endpoint.js";
import { ACTIONS, ApiError, applyAction, checkRegion } from "./api.js";
import { handleControl } from "./control.js";
import { FaultTable } from "./faults.js";
import { WindowCounter } from "./rate-limit.js";
import { DEFAULT_SDK_APP_ID } from "./seed.js";
import { verifyTc3 } from "./signature.js";
import { RoomStore, type Seed } from "./state.js";

export const DEFAULT_SECRET_ID = "AKIDtrtcEmulatorTestId0000000000";
export const DEFAULT_SECRET_KEY = "trtcEmulatorTestSecretKey0000000";
const API_VERSION = "2019-07-22";
const MAX_BODY = 1 << 20;
const MAX_LOG = 100_000;

export interface EmulatorOptions {
  host?: string;
  port?: number;
  seed?: Seed;
  secretId?: string;
  secretKey?: string;
  sessionToken?: string;
  rateLimit?: number;
  lenientSigning?: boolean;
  latencyMs?: number;
}

export interface RequestRecord {
  seq: number;
  time: string;
  /** Milliseconds since the emulator started, at arrival. */
  t: number;
  action: string | null;
  sdkAppId: unknown;
  roomId: unknown;
  userIds?: unknown;
  region: string | null;
  /** What is kept of the Authorization header: its credential scope. */
  credentialScope: string | null;
  outcome: "ok" | "error" | "http" | "hang" | "reset" | "malformed" | "lost";
  code: string | null;
  requestId: string | null;
}

export interface EmulatorSettings {
  rateLimit: number;
  latencyMs: number;
  lenientSigning: boolean;
}

export class Emulator {
  readonly store = new RoomStore();
  readonly faults = new FaultTable();
  readonly requests: RequestRecord[] = [];
  readonly settings: EmulatorSettings;
  readonly limiter: WindowCounter;
  readonly secretId: string;
  readonly secretKey: string;
  private readonly initial: { seed: Seed; settings: EmulatorSettings };
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly started = performance.now();
  private seq = 0;
  url = "";

  constructor(private readonly options: EmulatorOptions = {}) {
    this.secretId = options.secretId ?? DEFAULT_SECRET_ID;
    this.secretKey = options.secretKey ?? DEFAULT_SECRET_KEY;
    this.settings = { rateLimit: options.rateLimit ?? 20, latencyMs: options.latencyMs ?? 0, lenientSigning: options.lenientSigning ?? false };
    this.initial = { seed: options.seed ?? { apps: [{ sdkAppId: DEFAULT_SDK_APP_ID }] }, settings: { ...this.settings } };
    this.limiter = new WindowCounter(this.settings.rateLimit);
    this.store.seed(this.initial.seed);
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 65_000;
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  async listen(): Promise<string> {
    const host = this.options.host ?? "127.0.0.1";
    if (!isLoopbackHost(host)) throw new Error(`refusing to listen on ${host}: the emulator binds loopback addresses only`);
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port ?? 9000, host, () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Back to the state at start: seed, settings, and empty logs and faults. */
  reset(): void {
    this.store.clear();
    this.store.seed(this.initial.seed);
    Object.assign(this.settings, this.initial.settings);
    this.limiter.limit = this.settings.rateLimit;
    this.limiter.clear();
    this.faults.clear();
    this.requests.length = 0;
  }

  applySettings(patch: Partial<EmulatorSettings>): void {
    Object.assign(this.settings, patch);
    this.limiter.limit = this.settings.rateLimit;
  }

  stats() {
    const byAction: Record<string, number> = {};
    const byCode: Record<string, number> = {};
    for (const r of this.requests) {
      if (r.action) byAction[r.action] = (byAction[r.action] ?? 0) + 1;
      if (r.code) byCode[r.code] = (byCode[r.code] ?? 0) + 1;
    }
    return { requests: this.requests.length, byAction, byCode, events: this.store.events.length, uptimeMs: Math.round(performance.now() - this.started), settings: this.settings };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0]!;
    if (path.startsWith("/_emulator/")) {
      if (!isLoopbackHost(req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "")) return void res.writeHead(403).end();
      return handleControl(this, req, res, path);
    }
    const body = await readBody(req);
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const action = header("x-tc-action") ?? null;
    const record: RequestRecord = {
      seq: ++this.seq,
      time: new Date().toISOString(),
      t: Math.round((performance.now() - this.started) * 10) / 10,
      action,
      sdkAppId: null,
      roomId: null,
      region: header("x-tc-region") ?? null,
      credentialScope: /Credential=[^/]+\/([^,]+)/.exec(header("authorization") ?? "")?.[1] ?? null,
      outcome: "ok",
      code: null,
      requestId: randomUUID(),
    };
    this.requests.push(record);
    if (this.requests.length > MAX_LOG) this.requests.shift();
    if (this.settings.latencyMs > 0) await delay(this.settings.latencyMs);
    const respond = (code?: string, message?: string) => {
      record.outcome = code ? "error" : "ok";
      record.code = code ?? null;
      const response = code ? { Error: { Code: code, Message: message }, RequestId: record.requestId } : { RequestId: record.requestId };
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ Response: response }));
    };

    try {
      if (req.method !== "POST" || path !== "/") throw new ApiError("UnsupportedProtocol", "Only POST to / is supported by this emulator.");
      if (body === undefined) throw new ApiError("RequestSizeLimitExceeded", "The request body is larger than 1 MB.");
      const auth = verifyTc3(
        { method: req.method, headers: req.headers, body },
        {
          secretKeyFor: (id) => (id === this.secretId ? this.secretKey : undefined),
          sessionToken: this.options.sessionToken,
          nowSeconds: Math.floor(Date.now() / 1000),
          lenientService: this.settings.lenientSigning,
        },
      );
      if (!auth.ok) throw new ApiError(auth.code, auth.message);
      if (header("x-tc-version") !== API_VERSION) throw new ApiError("NoSuchVersion", `The API version ${header("x-tc-version") ?? "(none)"} does not exist.`);
      if (!action || !ACTIONS[action]) throw new ApiError("InvalidAction", `The action ${action ?? "(none)"} does not exist.`);
      let params: Record<string, unknown>;
      try {
        params = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      } catch {
        throw new ApiError("InvalidParameter", "The request body is not valid JSON.");
      }
      if (!params || typeof params !== "object" || Array.isArray(params)) throw new ApiError("InvalidParameter", "The request body must be a JSON object.");
      record.sdkAppId = params.SdkAppId ?? null;
      record.roomId = params.RoomId ?? null;
      if (params.UserIds !== undefined) record.userIds = params.UserIds;
      if (!this.limiter.tryTake(`${String(params.SdkAppId)}/${action}`)) {
        throw new ApiError("RequestLimitExceeded", `Requests for ${action} exceed ${this.settings.rateLimit} per second.`);
      }
      const fault = this.faults.take(action, params.RoomId);
      if (fault?.kind === "latency") await delay(fault.ms ?? 0);
      switch (fault?.kind) {
        case "error":
          throw new ApiError(fault.code!, fault.message ?? `Injected ${fault.code}.`);
        case "http":
          record.outcome = "http";
          record.code = `HTTP ${fault.status}`;
          return void res.writeHead(fault.status!, { "Content-Type": "text/plain" }).end("injected failure\n");
        case "hang":
          record.outcome = "hang";
          return;
        case "reset":
          record.outcome = "reset";
          return void req.socket.resetAndDestroy();
        case "malformed":
          record.outcome = "malformed";
          return void res.writeHead(200, { "Content-Type": "application/json" }).end(`{"Response": {"RequestId": "${record.requestId}"`);
      }
      checkRegion(header("x-tc-region"));
      applyAction(this.store, action, params);
      if (fault?.kind === "lose-response") {
        record.outcome = "lost";
        return void req.socket.resetAndDestroy();
      }
      respond();
    } catch (err) {
      if (err instanceof ApiError) return respond(err.code, err.message);
      respond("InternalError", "The emulator failed unexpectedly.");
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
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

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new Emulator(options);
  await emulator.listen();
  return emulator;
}
