import type http from "node:http";
import type { Endpoint } from "./endpoint.js";
import { CONNECT_ERRNOS, TrtcError } from "./errors.js";
import { createProxyAgent, proxyUrlFor } from "./proxy.js";

const MAX_RESPONSE_BYTES = 1 << 20;

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Transport {
  post(headers: Record<string, string>, body: string, timeoutMs: number): Promise<HttpResponse>;
  close(): void;
}

/** POSTs to one endpoint over kept-alive connections; HTTPS_PROXY/NO_PROXY decide whether to tunnel. */
export async function createTransport(endpoint: Endpoint, env: NodeJS.ProcessEnv): Promise<Transport> {
  const isHttps = endpoint.protocol === "https:";
  const proxyUrl = isHttps ? proxyUrlFor(endpoint.hostname, env) : undefined;
  // Idle sockets are dropped before a typical server's 5 s keep-alive ends, so a request never
  // goes out on a socket the server is closing: that reset could not be told from a lost response.
  const keepAlive = { keepAlive: true, timeout: 4000 };
  // Only the module the endpoint needs: TLS is a large part of start-up, and the emulator speaks plain http.
  const web = isHttps ? await import("node:https") : await import("node:http");
  const agent = proxyUrl ? await createProxyAgent(proxyUrl) : new web.Agent(keepAlive);
  const request = web.request;

  return {
    post(headers, body, timeoutMs) {
      return new Promise((resolve, reject) => {
        const req = request({ hostname: endpoint.hostname, port: endpoint.port, path: "/", method: "POST", headers, agent }, (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_RESPONSE_BYTES) return void chunks.push(chunk);
            // A TRTC answer is a few hundred bytes; a huge or endless body is not one, and must not fill memory.
            reject(new TrtcError("malformed", "MalformedResponse", `response body is over ${MAX_RESPONSE_BYTES} bytes`));
            req.destroy();
          });
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
          );
          res.on("error", (err) => reject(new TrtcError("network", "NetworkError", `response interrupted: ${err.message}`)));
        });
        const timer = setTimeout(() => {
          req.destroy(new TrtcError("timeout", "RequestTimeout", `no response within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        req.on("close", () => clearTimeout(timer));
        req.on("error", (err) => {
          if (err instanceof TrtcError) return reject(err);
          const errno = (err as NodeJS.ErrnoException).code;
          const notSent = errno !== undefined && CONNECT_ERRNOS.has(errno);
          reject(new TrtcError("network", "NetworkError", errno ? `${errno}: ${err.message}` : err.message, null, undefined, notSent));
        });
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
