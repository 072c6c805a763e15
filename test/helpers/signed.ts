import { request } from "node:http";
import { DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY, type Emulator } from "../../src/emulator/server.js";
import { canonicalRequest, signature, stringToSign, utcDate } from "../../src/emulator/signature.js";

export interface RawCall {
  action?: string;
  params?: unknown;
  body?: string;
  version?: string;
  region?: string | null;
  secretKey?: string;
  service?: string;
  timestamp?: number;
}

export interface RawResponse {
  status: number;
  contentType: string | undefined;
  text: string;
  json?: { Response: { RequestId: string; Error?: { Code: string; Message: string } } };
  error?: string;
}

/** A hand-signed request, so tests can send what the typed client never would. */
export function rawCall(emu: Emulator, call: RawCall): Promise<RawResponse> {
  const url = new URL(emu.url);
  const body = call.body ?? JSON.stringify(call.params ?? {});
  const timestamp = call.timestamp ?? Math.floor(Date.now() / 1000);
  const date = utcDate(timestamp);
  const service = call.service ?? "trtc";
  const canonical = canonicalRequest("POST", "", `content-type:application/json\nhost:${url.host}\n`, "content-type;host", body);
  const sig = signature(call.secretKey ?? DEFAULT_SECRET_KEY, date, service, stringToSign(timestamp, `${date}/${service}/tc3_request`, canonical));
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-TC-Action": call.action ?? "DismissRoom",
    "X-TC-Version": call.version ?? "2019-07-22",
    "X-TC-Timestamp": String(timestamp),
    Authorization: `TC3-HMAC-SHA256 Credential=${DEFAULT_SECRET_ID}/${date}/${service}/tc3_request, SignedHeaders=content-type;host, Signature=${sig}`,
  };
  if (call.region !== null) headers["X-TC-Region"] = call.region ?? "ap-guangzhou";
  return new Promise((resolve) => {
    const req = request({ hostname: url.hostname, port: url.port, method: "POST", path: "/", headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d));
      res.on("end", () => {
        const out: RawResponse = { status: res.statusCode ?? 0, contentType: res.headers["content-type"], text };
        try {
          out.json = JSON.parse(text) as RawResponse["json"];
        } catch {
          // malformed on purpose in some tests
        }
        resolve(out);
      });
      res.on("error", (err) => resolve({ status: 0, contentType: undefined, text, error: err.message }));
    });
    req.on("error", (err) => resolve({ status: 0, contentType: undefined, text: "", error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.setTimeout(1500, () => req.destroy(new Error("TIMEOUT")));
    req.end(body);
  });
}
