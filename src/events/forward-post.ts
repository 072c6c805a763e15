import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/** node:http rather than fetch: the headers sent are exactly the forwarded ones plus Host and Content-Length. */
export function post(url: string, raw: Buffer, headers: Record<string, string>, signal: AbortSignal): Promise<string> {
  const secure = url.startsWith("https:");
  return new Promise((resolve) => {
    const req = (secure ? httpsRequest : httpRequest)(
      url,
      { method: "POST", headers: { ...headers, "content-length": raw.length }, agent: secure ? agents.https : agents.http, signal },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode! >= 200 && res.statusCode! < 300 ? "" : `HTTP ${res.statusCode}`));
        res.on("error", (err) => resolve(err.message));
      },
    );
    req.on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.name));
    req.end(raw);
  });
}
