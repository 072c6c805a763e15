import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { baseEnv, run } from "../helpers/inproc.js";

let proxy: Server | undefined;
afterEach(() => proxy?.close());

/** A stand-in HTTPS proxy on loopback that records CONNECT lines and refuses them. */
async function refusingProxy(seen: string[]): Promise<string> {
  proxy = createServer((socket) => {
    socket.once("data", (chunk) => {
      seen.push(chunk.toString("latin1").split("\r\n")[0]!);
      socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
    });
  });
  await new Promise<void>((resolve) => proxy!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

describe("HTTPS_PROXY", () => {
  it("tunnels HTTPS requests through the proxy with CONNECT", async () => {
    const seen: string[] = [];
    const url = await refusingProxy(seen);
    const env = baseEnv({ HTTPS_PROXY: url, TENCENTCLOUD_SECRET_ID: "id", TENCENTCLOUD_SECRET_KEY: "key", TRTC_SDK_APP_ID: "1400000001" });
    const r = await run(["dismiss", "1", "--yes", "--json", "--max-attempts", "1", "--endpoint", "trtc.example.test"], { env });
    expect(seen).toEqual(["CONNECT trtc.example.test:443 HTTP/1.1"]);
    expect(r.code).toBe(1);
    // https-proxy-agent hands back the proxy's own refusal as the response.
    expect(JSON.parse(r.stdout).results[0]).toMatchObject({ status: "failed", error: { code: "HttpError.403" } });
  });
});
