import signModule from "tencentcloud-sdk-nodejs-common/tencentcloud/common/sign.js";
import type { Endpoint } from "./endpoint.js";
import { TrtcError } from "./errors.js";
import { createTransport, type HttpResponse, type Transport } from "./transport.js";

// Node's ESM loader hands us module.exports (whose .default is the class); vitest's interop hands us the class.
const Sign = (signModule as unknown as { default?: typeof signModule.default }).default ?? (signModule as unknown as typeof signModule.default);

export const API_VERSION = "2019-07-22";
/** Tencent derives the signing service from the product, not from whatever host we talk to. */
export const SIGNING_SERVICE = "trtc";
const CONTENT_TYPE = "application/json";

/** Long-term or temporary keys, in the SDK's own credential shape (written out, so the library's types need no SDK). */
export interface TrtcCredential {
  secretId: string;
  secretKey: string;
  /** Temporary credentials' session token, sent as X-TC-Token. */
  token?: string;
}

export interface ActionResponse {
  RequestId: string;
}

export interface TraceEvent {
  phase: "request" | "response";
  action: string;
  /** Headers with Authorization cut to its credential scope and any token removed. */
  headers?: Record<string, string>;
  status?: number;
  body: string;
  ms?: number;
}

export interface TrtcClientOptions {
  endpoint: Endpoint;
  region: string;
  credential: TrtcCredential;
  env?: NodeJS.ProcessEnv;
  trace?: (event: TraceEvent) => void;
  now?: () => number;
}

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out = { ...headers };
  if (out.Authorization) {
    const scope = /Credential=[^/]*\/([^,]+)/.exec(out.Authorization)?.[1] ?? "?";
    out.Authorization = `TC3-HMAC-SHA256 Credential=<redacted>/${scope}, SignedHeaders=content-type;host, Signature=<redacted>`;
  }
  if (out["X-TC-Token"]) out["X-TC-Token"] = "<redacted>";
  return out;
}

/** A thin client for the TRTC room actions, signed with the official SDK's TC3 signer. */
export class TrtcClient {
  private transport: Promise<Transport>;

  constructor(private readonly options: TrtcClientOptions) {
    this.transport = createTransport(options.endpoint, options.env ?? process.env);
  }

  /** One signed call of any action; the API's error envelope is thrown as a TrtcError. */
  async request<T extends ActionResponse>(action: string, params: object, timeoutMs: number): Promise<T> {
    return unwrap<T>(await this.send(action, params, timeoutMs));
  }

  /** One call whose failure is returned rather than thrown, with the server's Date header (for doctor). */
  async probe(action: string, params: object, timeoutMs: number): Promise<{ error?: TrtcError; date?: string }> {
    let date: string | undefined;
    try {
      const response = await this.send(action, params, timeoutMs);
      date = response.headers.date;
      unwrap(response);
      return date ? { date } : {};
    } catch (err) {
      if (!(err instanceof TrtcError)) throw err;
      return date ? { error: err, date } : { error: err };
    }
  }

  private async send(action: string, params: object, timeoutMs: number): Promise<HttpResponse> {
    const { endpoint, region, credential, trace } = this.options;
    const body = JSON.stringify(params);
    const timestamp = Math.floor((this.options.now?.() ?? Date.now()) / 1000);
    const headers: Record<string, string> = {
      "Content-Type": CONTENT_TYPE,
      "X-TC-Action": action,
      "X-TC-Version": API_VERSION,
      "X-TC-Timestamp": String(timestamp),
      "X-TC-Region": region,
    };
    if (credential.token) headers["X-TC-Token"] = credential.token;
    headers.Authorization = Sign.sign3({
      method: "POST",
      url: endpoint.url,
      payload: Buffer.from(body),
      timestamp,
      service: SIGNING_SERVICE,
      secretId: credential.secretId,
      secretKey: credential.secretKey,
      multipart: false,
      boundary: "",
      headers: { "Content-Type": CONTENT_TYPE },
    });
    trace?.({ phase: "request", action, headers: redactHeaders(headers), body });
    // Date.now: the trace shows whole milliseconds, and `performance` would load perf_hooks into every run.
    const started = Date.now();
    const response = await (await this.transport).post(headers, body, timeoutMs);
    trace?.({ phase: "response", action, status: response.status, body: response.body, ms: Date.now() - started });
    return response;
  }

  async close(): Promise<void> {
    (await this.transport).close();
  }
}

/** Turns an HTTP response into the action's output or a TrtcError. */
export function unwrap<T extends ActionResponse>(response: HttpResponse): T {
  if (response.status !== 200) {
    throw new TrtcError("http", `HttpError.${response.status}`, `HTTP ${response.status} ${response.statusText}`.trim(), null, response.status);
  }
  let data: unknown;
  try {
    data = JSON.parse(response.body);
  } catch {
    throw new TrtcError("malformed", "MalformedResponse", `response is not JSON (${response.body.length} bytes)`);
  }
  const envelope = (data as { Response?: { RequestId?: unknown; Error?: { Code?: unknown; Message?: unknown } } } | null)?.Response;
  if (!envelope || typeof envelope.RequestId !== "string") {
    throw new TrtcError("malformed", "MalformedResponse", "response is not a TRTC envelope (no Response.RequestId)");
  }
  if (envelope.Error) {
    const code = typeof envelope.Error.Code === "string" ? envelope.Error.Code : "UnknownError";
    const message = typeof envelope.Error.Message === "string" ? envelope.Error.Message : "";
    throw new TrtcError("api", code, message, envelope.RequestId);
  }
  return envelope as unknown as T;
}
