import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open.js";
import { until } from "../bans/relay.js";
import { BIN, baseEnv, run } from "../helpers/cli.js";
import { APP, callbackBody, KEY, post, STORES, signedHeaders } from "./helpers.js";
import { event } from "./store-events.js";

/** The built binary as a real process: signals only exist there. */
function serveProcess(env: NodeJS.ProcessEnv, args: string[] = []) {
  const child = spawn(process.execPath, [BIN, "events", "serve", "--port", "0", "--output", "ndjson", ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  const url = new Promise<string>((resolve, reject) => {
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      const found = / on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (found) resolve(found);
    });
    child.on("exit", () => reject(new Error(`exited early: ${stderr}`)));
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, url, exited };
}

describe("events serve as a process", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("%s: stops accepting, finishes what is in flight, exit 0; rooms list then reads the store", async (signal) => {
    const { url: inventory, cleanup } = await STORES[0]!.fresh();
    const env = baseEnv({ TRTC_SDK_APP_ID: String(APP), TRTC_CALLBACK_KEY: KEY, TRTC_INVENTORY: inventory });
    const serve = serveProcess(env);
    const url = await serve.url;
    // Recent: the receiver's retention (7 days) does not fold an older event of a room it does not hold.
    const t0 = Date.now() - 60_000;
    const first = callbackBody({ type: 101, room: 5150, ms: t0 });
    expect((await post(url, first, signedHeaders(first))).status).toBe(200);
    // The signal lands while these are in flight: each is either answered 200 and stored, or never accepted.
    const posts = Array.from({ length: 40 }, (_, i) => {
      const raw = callbackBody({ type: 103, room: 5150, user: `u${i}`, ms: t0 + 1 + i });
      return post(url, raw, signedHeaders(raw)).then(
        (a) => a.status,
        () => 0,
      );
    });
    serve.child.kill(signal);
    const statuses = await Promise.all(posts);
    const { code, stdout, stderr } = await serve.exited;
    expect(code).toBe(0);
    expect(statuses.every((s) => s === 200 || s === 0)).toBe(true);
    const acknowledged = statuses.filter((s) => s === 200).length;
    expect(stdout.trim().split("\n")).toHaveLength(1 + acknowledged);
    expect(stdout + stderr).not.toContain(KEY);
    const listed = await run(["rooms", "list", "--json"], { env });
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).rooms[0].members).toHaveLength(acknowledged);
    await cleanup();
  });
});

describe("events serve --forward as a process", () => {
  it("SIGKILL with a delivery pending: the receiver started again on the store delivers it, byte for byte", async () => {
    const { url: inventory, cleanup } = await STORES[0]!.fresh();
    const got: { raw: Buffer; answered: number }[] = [];
    let status = 503;
    const app = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => (got.push({ raw: Buffer.concat(chunks), answered: status }), res.writeHead(status).end()));
    });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/cb`;
    const env = baseEnv({ TRTC_SDK_APP_ID: String(APP), TRTC_CALLBACK_KEY: KEY, TRTC_INVENTORY: inventory });
    const first = serveProcess(env, ["--forward", appUrl]);
    const url = await first.url;
    const raw = callbackBody({ type: 103, room: 5150, user: "alice", ms: 1_763_600_000_000 });
    expect((await post(url, raw, signedHeaders(raw))).status).toBe(200);
    await until(() => got.length >= 1, "a failed attempt");
    first.child.kill("SIGKILL");
    expect((await first.exited).code).toBeNull();
    status = 200;
    // The same address: the restarted receiver takes back its own claims at once.
    const second = serveProcess(env, ["--port", new URL(url).port, "--forward", appUrl]);
    await second.url;
    const store = await openStore(inventory);
    await until(async () => (await store.forwards.count([appUrl])) === 0, "the resumed delivery");
    await store.close();
    expect(got.filter((g) => g.answered === 200)).toEqual([{ raw, answered: 200 }]);
    second.child.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);
    app.close();
    await cleanup();
  });
});

describe("rooms list as a process", () => {
  it("writes every room of a large listing through a pipe before exiting", async () => {
    const { url: inventory, cleanup } = await STORES[0]!.fresh();
    const store = await openStore(inventory);
    const rooms = 5000;
    for (let i = 0; i < rooms; i += 1000) {
      await store.append(Array.from({ length: 1000 }, (_, k) => event(103, `room-${i + k}`, 1_763_600_000_000 + i + k, `user-${i + k}`)));
    }
    await store.close();
    const env = baseEnv({ TRTC_SDK_APP_ID: String(APP), TRTC_INVENTORY: inventory });
    for (const format of ["ndjson", "json", "pretty"]) {
      const { code, stdout } = await run(["rooms", "list", "--output", format], { env });
      expect(code, format).toBe(0);
      if (format === "ndjson") expect(stdout.trimEnd().split("\n")).toHaveLength(rooms + 1);
      if (format === "json") expect(JSON.parse(stdout).rooms).toHaveLength(rooms);
      if (format === "pretty") expect(stdout.trimEnd().split("\n").at(-2)).toBe(`${rooms} live rooms`);
    }
    await cleanup();
  });
});
