import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** TC3-HMAC-SHA256 verification written from the public spec; it shares no code with the SDK signer. */

export interface SignedRequest {
  method: string;
  /** Lower-cased header names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  query?: string;
}

export interface VerifyOptions {
  secretKeyFor(secretId: string): string | undefined;
  /** Session token the emulator expects, if any. */
  sessionToken?: string;
  nowSeconds: number;
  lenientService: boolean;
  maxSkewSeconds?: number;
}

export type VerifyResult = { ok: true; secretId: string; scope: string } | { ok: false; code: string; message: string };

const AUTH_RE = /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s]+)\/tc3_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

export const sha256Hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

export function utcDate(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

export function canonicalRequest(method: string, query: string, canonicalHeaders: string, signedHeaders: string, body: Buffer | string): string {
  return [method.toUpperCase(), "/", query, canonicalHeaders, signedHeaders, sha256Hex(body)].join("\n");
}

export function stringToSign(timestamp: number, scope: string, canonical: string): string {
  return ["TC3-HMAC-SHA256", String(timestamp), scope, sha256Hex(canonical)].join("\n");
}

export function signingKey(secretKey: string, date: string, service: string): Buffer {
  return hmac(hmac(hmac(`TC3${secretKey}`, date), service), "tc3_request");
}

export function signature(secretKey: string, date: string, service: string, toSign: string): string {
  return createHmac("sha256", signingKey(secretKey, date, service))
    .update(toSign)
    .digest("hex");
}

function header(headers: SignedRequest["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

const fail = (code: string, message: string): VerifyResult => ({ ok: false, code, message });

/** The service names accepted: always "trtc"; leniently also the Host's first label, as the official Node client signs. */
function acceptedServices(host: string, lenient: boolean): string[] {
  const services = ["trtc"];
  if (lenient) {
    services.push(host.split(".")[0]!);
    services.push(host.replace(/:\d+$/, "").split(".")[0]!);
  }
  return services;
}

export function verifyTc3(req: SignedRequest, opts: VerifyOptions): VerifyResult {
  const auth = header(req.headers, "authorization");
  if (!auth) return fail("AuthFailure.InvalidAuthorization", "Authorization header is missing.");
  const m = AUTH_RE.exec(auth);
  if (!m) return fail("AuthFailure.InvalidAuthorization", "Authorization header is not a valid TC3-HMAC-SHA256 authorization.");
  const [, secretId, date, service, signedHeaders, given] = m as unknown as [string, string, string, string, string, string];
  const names = signedHeaders.split(";");
  if (!names.includes("content-type") || !names.includes("host") || [...names].sort().join(";") !== signedHeaders) {
    return fail("AuthFailure.InvalidAuthorization", "SignedHeaders must be sorted and include content-type and host.");
  }
  const secretKey = opts.secretKeyFor(secretId);
  if (secretKey === undefined) return fail("AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your SecretId is correct.");
  const tsText = header(req.headers, "x-tc-timestamp") ?? "";
  if (!/^\d+$/.test(tsText)) return fail("AuthFailure.InvalidAuthorization", "X-TC-Timestamp is missing or not an integer.");
  const timestamp = Number(tsText);
  if (Math.abs(opts.nowSeconds - timestamp) > (opts.maxSkewSeconds ?? 300)) {
    return fail("AuthFailure.SignatureExpire", "Signature expired. Timestamp and server time cannot differ by more than five minutes.");
  }
  if (date !== utcDate(timestamp)) return fail("AuthFailure.SignatureFailure", "The credential date does not match X-TC-Timestamp (use the UTC date).");
  const host = header(req.headers, "host") ?? "";
  if (!acceptedServices(host, opts.lenientService).includes(service)) {
    return fail("AuthFailure.SignatureFailure", `The provided credentials could not be validated: service "${service}" is not trtc.`);
  }
  // The Host header as sent, or its host name without the port (what the official signer signs).
  const hostCandidates = [...new Set([host, host.replace(/:\d+$/, "")])];
  const scope = `${date}/${service}/tc3_request`;
  const expectedMatches = hostCandidates.some((hostValue) => {
    const canonicalHeaders = names
      .map((name) => `${name}:${(name === "host" ? hostValue : (header(req.headers, name) ?? "")).trim().toLowerCase()}\n`)
      .join("");
    const canonical = canonicalRequest(req.method, req.query ?? "", canonicalHeaders, signedHeaders, req.body);
    const expected = signature(secretKey, date, service, stringToSign(timestamp, scope, canonical));
    return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
  });
  if (!expectedMatches) return fail("AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct.");
  const token = header(req.headers, "x-tc-token");
  if ((token ?? "") !== (opts.sessionToken ?? "")) {
    return fail("AuthFailure.TokenFailure", token ? "The session token is invalid or has expired." : "A session token is required for these credentials.");
  }
  return { ok: true, secretId, scope };
}
