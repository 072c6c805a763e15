import { request } from "node:http";
import type { Emulator } from "../../src/emulator/server.js";

/** A control API call as a script or curl makes it: JSON bodies sent as application/json. */
export async function control(emu: Emulator, method: string, path: string, body?: unknown): Promise<any> {
  const headers = method === "POST" ? { "Content-Type": "application/json" } : undefined;
  const res = await fetch(`${emu.url}/_emulator/${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return res.json();
}

export interface RawControlResponse {
  status: number;
  json: any;
}

/** A control request with exactly these headers (fetch would not let a test set Origin or Host). */
export function rawControl(emu: Emulator, method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<RawControlResponse> {
  const url = new URL(emu.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname: url.hostname, port: url.port, method, path: `/_emulator/${path}`, headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d));
      res.on("end", () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}
