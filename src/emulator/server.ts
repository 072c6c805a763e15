import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type CallbackRetry, type CallbackSender, callbackSender } from "./callbacks.js";
import { Clients } from "./clients.js";
import { type EmulatorClock, REAL_CLOCK } from "./clock.js";
import { handleControl } from "./control.js";
import { FaultTable } from "./faults.js";
import { WindowCounter } from "./rate-limit.js";
import type { RequestRecord } from "./request-record.js";
import { isLoopback } from "./rules.js";
import { DEFAULT_SDK_APP_ID } from "./seed.js";
import { serveApi } from "./serve-api.js";
import { checkActionList, type EmulatorSettings } from "./settings.js";
import { RoomStore, type Seed } from "./state.js";

export type { RequestRecord } from "./request-record.js";
export type { EmulatorSettings } from "./settings.js";

export const DEFAULT_SECRET_ID = "AKIDtrtcEmulatorTestId0000000000";
export const DEFAULT_SECRET_KEY = "trtcEmulatorTestSecretKey0000000";
const MAX_LOG = 100_000;
const LOG_TRIM = 10_000;

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
  /** Where room callbacks go, signed with callbackKey; none are sent without a URL. */
  callbackUrl?: string;
  callbackKey?: string;
  /** TRTC's retry timing by default; tests shorten it. */
  callbackRetry?: Partial<CallbackRetry>;
  /** Real time by default; a test passes its own to drive latency, the rate window, callback retries and delays without waiting. */
  clock?: EmulatorClock;
  /** Actions answered with InvalidAction from the start (and after each reset). */
  unavailableActions?: string[];
}

export class Emulator {
  readonly store = new RoomStore();
  readonly faults = new FaultTable();
  readonly clients = new Clients(this.store);
  readonly callbacks: CallbackSender | undefined;
  readonly requests: RequestRecord[] = [];
  readonly settings: EmulatorSettings;
  readonly limiter: WindowCounter;
  readonly clock: EmulatorClock;
  readonly secretId: string;
  readonly secretKey: string;
  readonly sessionToken: string | undefined;
  private readonly initial: { seed: Seed; settings: EmulatorSettings };
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly started: number;
  private seq = 0;
  url = "";

  constructor(private readonly options: EmulatorOptions = {}) {
    this.secretId = options.secretId ?? DEFAULT_SECRET_ID;
    this.secretKey = options.secretKey ?? DEFAULT_SECRET_KEY;
    this.sessionToken = options.sessionToken;
    this.clock = options.clock ?? REAL_CLOCK;
    this.started = this.clock.now();
    this.settings = {
      rateLimit: options.rateLimit ?? 20,
      latencyMs: options.latencyMs ?? 0,
      lenientSigning: options.lenientSigning ?? false,
      unavailableActions: checkActionList(options.unavailableActions ?? []),
    };
    this.callbacks = callbackSender(options.callbackUrl, options.callbackKey, options.callbackRetry, this.faults, this.clock);
    this.initial = { seed: options.seed ?? { apps: [{ sdkAppId: DEFAULT_SDK_APP_ID }] }, settings: { ...this.settings } };
    this.limiter = new WindowCounter(this.settings.rateLimit, () => this.clock.now());
    this.store.seed(this.initial.seed);
    this.store.onChange = (change) => {
      this.callbacks?.send(change);
      this.clients.onChange(change);
    };
    // A client that goes away mid-request must not take the emulator down with it.
    this.server = createServer((req, res) => this.handle(req, res).catch(() => res.destroy()));
    this.server.keepAliveTimeout = 65_000;
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  async listen(): Promise<string> {
    const host = this.options.host ?? "127.0.0.1";
    if (!isLoopback(host)) throw new Error(`refusing to listen on ${host}: the emulator binds loopback addresses only`);
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port ?? 9000, host, () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.clients.clear();
    this.callbacks?.reset();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Back to the state at start: seed, settings, and empty logs and faults. */
  reset(): void {
    this.clients.clear();
    this.callbacks?.reset();
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
    return {
      requests: this.requests.length,
      byAction,
      byCode,
      events: this.store.events.length,
      uptimeMs: Math.round(this.clock.now() - this.started),
      settings: this.settings,
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0]!;
    if (path.startsWith("/_emulator/")) {
      if (!isLoopback(req.socket.remoteAddress ?? "")) return void res.writeHead(403).end();
      return handleControl(this, req, res, path);
    }
    await serveApi(this, req, res, path);
  }

  /** Appends to the bounded request log, dropping the oldest in blocks so a full log costs no per-request copy. */
  log(record: RequestRecord): void {
    this.requests.push(record);
    if (this.requests.length > MAX_LOG + LOG_TRIM) this.requests.splice(0, LOG_TRIM);
  }

  nextSeq(): number {
    return ++this.seq;
  }

  elapsedMs(): number {
    return Math.round((this.clock.now() - this.started) * 10) / 10;
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new Emulator(options);
  await emulator.listen();
  return emulator;
}
