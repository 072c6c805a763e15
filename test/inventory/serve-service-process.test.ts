import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { Agent } from "node:http";
import { connect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open.js";
import { BIN, baseEnv } from "../helpers/cli.js";
import { APP, callbackBody, get, KEY, post, STORES, signedHeaders } from "./helpers.js";

// Recent: the receiver's retention (7 days) does not fold an older event of a room it does not hold.
const T = Date.now() - 60_000;

/** The built binary, its stdout a pipe the test reads only as told; the URL once it listens. */
async function serveProcess(inventory: string, shell = "") {
  const env = baseEnv({ TRTC_SDK_APP_ID: String(APP), TRTC_CALLBACK_KEY: KEY, TRTC_INVENTORY: inventory });
  const args = [BIN, "events", "serve", "--port", "0", "--output", "ndjson"];
  const child: ChildProcess = shell
    ? spawn("sh", ["-c", `${shell} && exec "$0" "$@"`, process.execPath, ...args], { env, stdio: ["ignore", "pipe", "pipe"] })
    : spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      const found = / on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (found) resolve(found);
    });
    void exited.then(() => reject(new Error(`exited early: ${stderr}`)));
  });
  /** SIGTERM; resolves with the exit code and how long the exit took. */
  const stop = async () => {
    const started = performance.now();
    child.kill("SIGTERM");
    const code = await exited;
    return { code, ms: performance.now() - started, stderr };
  };
  return { child, url, stop };
}

async function sendMany(url: string, users: string[]): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  try {
    return await Promise.all(
      users.map((user) => {
        const raw = callbackBody({ type: 103, room: 77, user, ms: T });
        return post(url, raw, signedHeaders(raw), agent).then((r) => r.status);
      }),
    );
  } finally {
    agent.destroy();
  }
}

async function membersAt(url: string): Promise<number> {
  const store = await openStore(url);
  try {
    return (await store.getRoom(APP, { roomIdType: "numeric", roomId: 77 }))?.members.length ?? 0;
  } finally {
    await store.close();
  }
}

describe("events serve as a service (the built binary)", () => {
  it("stdout closed by its reader (| head -n 2): keeps serving and storing, warns once, SIGTERM exits 0", async () => {
    const { url: inventory, cleanup } = await STORES[0]!.fresh();
    const serve = await serveProcess(inventory);
    let lines = 0;
    const twoLines = new Promise<void>((resolve) =>
      serve.child.stdout!.on("data", (d: Buffer) => {
        lines += d.toString().split("\n").length - 1;
        if (lines >= 2) resolve();
      }),
    );
    expect(await sendMany(serve.url, ["u0", "u1"])).toEqual([200, 200]);
    await twoLines;
    serve.child.stdout!.destroy();
    const later = Array.from({ length: 30 }, (_, i) => `later-${i}`);
    expect(new Set(await sendMany(serve.url, later))).toEqual(new Set([200]));
    expect((await get(new URL("/healthz", serve.url).href)).status).toBe(200);
    const { code, ms, stderr } = await serve.stop();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    expect(stderr.match(/stdout is closed or not being read/g)).toHaveLength(1);
    expect(await membersAt(inventory)).toBe(32);
    await cleanup();
  });

  it("stdout never read: event lines past a bounded backlog are dropped and counted, and SIGTERM still exits 0 within 10 s", async () => {
    const { url: inventory, cleanup } = await STORES[0]!.fresh();
    const serve = await serveProcess(inventory);
    serve.child.stdout!.pause();
    // 128-byte user ids make ~320-byte lines, written a commit's lines at a time: the socket pair under stdout takes
    // ~200 KB of such writes (~64 KB one line a write), so 2,400 lines overflow it and the 256 KiB backlog.
    const users = Array.from({ length: 2400 }, (_, i) => `${i}`.padEnd(128, "x"));
    expect(new Set(await sendMany(serve.url, users))).toEqual(new Set([200]));
    const metrics = (await get(new URL("/metrics", serve.url).href)).text;
    const dropped = Number(/^trtc_admin_stdout_lines_dropped_total (\d+)$/m.exec(metrics)?.[1]);
    expect(dropped).toBeGreaterThan(0);
    const { code, ms, stderr } = await serve.stop();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    expect(stderr.match(/stdout is closed or not being read/g)).toHaveLength(1);
    expect(await membersAt(inventory)).toBe(2400);
    await cleanup();
  });

  it("400 idle connections under a 256-descriptor limit: descriptors stay under the cap, and callbacks are answered once the idle ones time out", async () => {
    const { url: inventory, cleanup } = await STORES[0]!.fresh();
    const serve = await serveProcess(inventory, "ulimit -n 256");
    const { port } = new URL(serve.url);
    const sockets: Socket[] = [];
    const closed = Array.from(
      { length: 400 },
      () =>
        new Promise<void>((resolve) => {
          const s = connect(Number(port), "127.0.0.1");
          s.on("error", () => undefined).on("close", () => resolve());
          sockets.push(s);
        }),
    );
    // Each socket is either held (counted in the receiver's descriptors) or already closed by it.
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => (s.connecting ? s.once("connect", resolve).once("close", resolve) : resolve()))));
    const descriptors = readdirSync(`/proc/${serve.child.pid}/fd`).length;
    expect(descriptors).toBeLessThan(128 + 40);
    await Promise.all(closed);
    expect(await sendMany(serve.url, ["after"])).toEqual([200]);
    const { code } = await serve.stop();
    expect(code).toBe(0);
    await cleanup();
  });
});
