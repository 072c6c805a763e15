import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, baseEnv } from "../helpers/cli.js";
import { APP, callbackBody, KEY, post, STORES, signedHeaders } from "./helpers.js";

let hanging: Server | undefined;
afterEach(() => {
  hanging?.closeAllConnections();
  hanging?.close();
});

describe("events serve shutdown with --forward", () => {
  it("SIGTERM exits 0 well within 10 s (2 s for a delivery on the wire) while the target never answers; the delivery stays queued", async () => {
    // The app's receiver accepts the connection and never answers.
    let reached: () => void = () => undefined;
    const onTheWire = new Promise<void>((resolve) => (reached = resolve));
    hanging = createServer(() => reached());
    await new Promise<void>((resolve) => hanging!.listen(0, "127.0.0.1", resolve));
    const target = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/cb`;
    const { url: inventory, cleanup } = await STORES[0]!.fresh();
    const env = baseEnv({ TRTC_SDK_APP_ID: String(APP), TRTC_CALLBACK_KEY: KEY, TRTC_INVENTORY: inventory });
    const child = spawn(process.execPath, [BIN, "events", "serve", "--port", "0", "--forward", target], { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const url = await new Promise<string>((resolve) =>
      child.stderr.setEncoding("utf8").on("data", (d: string) => {
        stderr += d;
        const found = / on (http:\/\/\S+)/.exec(stderr)?.[1];
        if (found) resolve(found);
      }),
    );
    const raw = callbackBody({ type: 103, room: 5, user: "u", ms: 1_765_000_000_000 });
    expect((await post(url, raw, signedHeaders(raw))).status).toBe(200);
    // The forwarder has the delivery on the wire (the target's connection is open) before the signal.
    await onTheWire;
    const started = performance.now();
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(performance.now() - started).toBeLessThan(6000);
    expect(stderr).toContain("1 forward delivery left pending in the inventory");
    await cleanup();
  }, 30_000);
});
