import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "../../src/commands/program.js";
import { openStore } from "../../src/store/open.js";
import { APP, callbackBody, fakeIo, get, KEY, post, STORES, signedHeaders } from "./helpers.js";

const T = 1_763_600_000_000;
const line = (raw: Buffer, headers: Record<string, string> = signedHeaders(raw)) => JSON.stringify({ headers, body: raw.toString("utf8") });

async function ingest(input: string, env: Record<string, string> = {}, args: string[] = []) {
  const { url } = await STORES[0]!.fresh();
  const run = fakeIo({ TRTC_SDK_APP_ID: String(APP), TRTC_CALLBACK_KEY: KEY, TRTC_INVENTORY: url, ...env }, input);
  const code = await main(["events", "ingest", ...args], run.io);
  const store = await openStore(url);
  const rooms = await store.listRooms(APP, { all: true });
  await store.close();
  return { code, stdout: run.stdout(), stderr: run.stderr(), rooms, home: run.home };
}

describe("events ingest", () => {
  it("applies tee'd callbacks as serve would: verified, deduplicated, folded; exit 0", async () => {
    const enter = callbackBody({ type: 103, room: 42, user: "alice", ms: T });
    const leave = callbackBody({ type: 104, room: 42, user: "bob", ms: T + 2 });
    const bob = callbackBody({ type: 103, room: 42, user: "bob", ms: T + 1 });
    const { code, stdout, stderr, rooms } = await ingest([leave, enter, bob, enter].map((b) => line(b)).join("\n") + "\n\n", {}, ["-o", "ndjson"]);
    expect(code).toBe(0);
    expect(
      stdout
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).status),
    ).toEqual(["stored", "stored", "stored", "duplicate"]);
    expect(rooms).toHaveLength(1);
    expect(rooms[0]!.members.map((m) => m.userId)).toEqual(["alice"]);
    expect(stderr).toContain("3 stored, 1 duplicate, 0 bad lines skipped");
  });

  it("reports bad lines (escaped) on stderr, skips them, applies the rest; exit 1", async () => {
    const good = callbackBody({ type: 103, room: "r", user: "a", ms: T });
    const input = [
      "not json \u001b[31m",
      JSON.stringify({ headers: {}, body: 5 }),
      line(good, { Sign: "bad", SdkAppId: String(APP) }),
      line(good, signedHeaders(good, KEY, "1400000002")),
      line(Buffer.from("{}")),
      line(good),
    ].join("\n");
    const { code, stderr, rooms } = await ingest(input);
    expect(code).toBe(1);
    expect(stderr).toContain("line 1: not JSON");
    expect(stderr).toMatch(/line 2: expected \{"headers"/);
    expect(stderr).toContain("line 3: 401: Sign does not match the body");
    expect(stderr).toContain("line 4: 403: SdkAppId 1400000002");
    expect(stderr).toContain("line 5: 400:");
    expect(stderr).not.toContain("\u001b");
    expect(rooms.map((r) => r.roomId)).toEqual(["r"]);
  });

  it("reads --from-file; a missing file is exit 2", async () => {
    const { home } = fakeIo();
    const file = join(home, "tee.jsonl");
    writeFileSync(file, `${line(callbackBody({ type: 101, room: 7, ms: T }))}\n`);
    expect((await ingest("", {}, ["--from-file", file])).rooms.map((r) => r.roomId)).toEqual([7]);
    expect((await ingest("", {}, ["--from-file", join(home, "nope")])).code).toBe(2);
  });

  it("needs a callback key (exit 3), from the profile (${VAR}) or TRTC_CALLBACK_KEY, never echoed", async () => {
    const raw = callbackBody({ type: 101, room: 7, ms: T });
    const missing = await ingest(line(raw), { TRTC_CALLBACK_KEY: "" });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/no callback key/);

    const run = fakeIo({ TRTC_SDK_APP_ID: String(APP), MY_KEY: KEY, TRTC_CALLBACK_KEY: "envKey", TRTC_INVENTORY: (await STORES[0]!.fresh()).url }, line(raw));
    writeFileSync(join(run.home, ".trtcrc"), "defaultProfile: prod\nprofiles:\n  prod:\n    callbackKey: ${MY_KEY}\n");
    // Without an explicitly chosen profile the environment's key wins (as for credentials): the line fails.
    expect(await main(["events", "ingest"], run.io)).toBe(1);
    const explicit = fakeIo({ ...run.io.env } as Record<string, string>, line(raw));
    explicit.io.cwd = run.home;
    run.io.cwd = run.home;
    expect(await main(["events", "ingest", "--profile", "prod"], explicit.io)).toBe(0);
    expect(run.stdout() + run.stderr() + explicit.stdout() + explicit.stderr()).not.toMatch(/testKey|envKey/);
  });
});

describe("events ingest, interrupted", () => {
  it("stores what it had read and exits 130", async () => {
    const { url } = await STORES[0]!.fresh();
    const run = fakeIo({ TRTC_SDK_APP_ID: String(APP), TRTC_CALLBACK_KEY: KEY, TRTC_INVENTORY: url });
    const stdin = new PassThrough();
    run.io.stdin = stdin;
    const exited = main(["events", "ingest"], run.io);
    // A bad line after the good one: ingest reports it at once, so once it is on stderr the good line has
    // been read and taken in (lines are handled in order), though not yet stored (that is done in batches).
    stdin.write(`${line(callbackBody({ type: 103, room: 3, user: "early", ms: T }))}\nnot json\n`);
    await run.stderrMatch(/line 2: not JSON/, exited);
    run.abort.abort();
    expect(await exited).toBe(130);
    expect(run.stderr()).toContain("1 stored, 0 duplicate, 1 bad line skipped");
    const store = await openStore(url);
    expect((await store.listRooms(APP, {})).map((r) => r.members.map((m) => m.userId))).toEqual([["early"]]);
    await store.close();
  });
});

describe("events serve (in-process)", () => {
  async function serve(env: Record<string, string> = {}, args: string[] = []) {
    const { url } = await STORES[0]!.fresh();
    const run = fakeIo({ TRTC_SDK_APP_ID: String(APP), TRTC_CALLBACK_KEY: KEY, TRTC_INVENTORY: url, ...env });
    const exited = main(["events", "serve", "--port", "0", ...args], run.io);
    return { run, exited, url };
  }

  it("receives, prints one line per event, and exits 0 on interrupt after finishing", async () => {
    const { run, exited } = await serve({}, ["--path", "/cb", "-o", "ndjson"]);
    const url = await run.listening(exited);
    expect(url).toMatch(/\/cb$/);
    const raw = callbackBody({ type: 103, room: "standup", user: "carol", ms: T, role: 21 });
    expect((await post(url, raw, signedHeaders(raw))).status).toBe(200);
    expect((await get(new URL("/healthz", url).href)).status).toBe(200);
    run.abort.abort();
    expect(await exited).toBe(0);
    expect(JSON.parse(run.stdout().trim())).toEqual({
      eventGroupId: 1,
      eventType: 103,
      sdkAppId: APP,
      roomId: "standup",
      roomIdType: "string",
      userId: "carol",
      role: "audience",
      reason: null,
      eventAt: new Date(T).toISOString(),
      status: "stored",
    });
    expect(run.stdout() + run.stderr()).not.toContain(KEY);
  });

  it("on interrupt, says how many forward deliveries stay queued in the inventory for the next start", async () => {
    // Nothing listens on port 9 here: each attempt is refused, and the delivery waits for its retry.
    const { run, exited, url: inventory } = await serve({}, ["--forward", "http://127.0.0.1:9/cb"]);
    const url = await run.listening(exited);
    const raw = callbackBody({ type: 103, room: 7, user: "carol", ms: T });
    expect((await post(url, raw, signedHeaders(raw))).status).toBe(200);
    run.abort.abort();
    expect(await exited).toBe(0);
    expect(run.stderr()).toContain("1 forward delivery left pending in the inventory; the next start resumes them");
    const store = await openStore(inventory);
    expect(await store.forwards.count(["http://127.0.0.1:9/cb"])).toBe(1);
    await store.close();
  });

  it("refuses to forward to itself: exit 2 naming the URL, before listening", async () => {
    for (const target of ["http://localhost:8787/cb", "http://127.0.0.1:8787/cb?x=1", "http://0.0.0.0:8787/cb"]) {
      const { run, exited } = await serve({}, ["--port", "8787", "--path", "/cb", "--forward", "https://app.example/cb", "--forward", target]);
      expect(await exited).toBe(2);
      expect(run.stderr()).toContain(`--forward "${target}" is this receiver's own address (127.0.0.1:8787/cb)`);
      expect(run.stderr()).not.toContain("receiving");
    }
  });

  it("refuses to start without a key (exit 3), with a bad --port or --forward (exit 2)", async () => {
    expect(await (await serve({ TRTC_CALLBACK_KEY: "" })).exited).toBe(3);
    expect(await (await serve({}, ["--port", "http"])).exited).toBe(2);
    expect(await (await serve({}, ["--forward", "ftp://x"])).exited).toBe(2);
    const taken = await serve();
    const url = new URL(await taken.run.listening(taken.exited));
    expect(await (await serve({}, ["--port", url.port])).exited).toBe(2);
    taken.run.abort.abort();
    expect(await taken.exited).toBe(0);
  });
});
