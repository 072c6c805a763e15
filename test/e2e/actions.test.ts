import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.js";
import { APP, apiRequests, emulator, emulatorEnv, run, seedApp } from "../helpers/inproc.js";

let emu: Emulator;
beforeEach(async () => {
  emu = await emulator({ seed: seedApp({ "123": ["alice", "bob", "carol"], "456": ["x", "y"] }, { "123": ["zed", "yan"], standup: ["carol", "dave"] }) });
});
afterEach(() => emu.close());

const users = (n: number) => Array.from({ length: n }, (_, i) => `user${i + 1}`);

describe("kick and dismiss against the emulator", () => {
  it("kick 123 uses RemoveUser on the numeric room and prints the RequestId", async () => {
    const r = await run(["kick", "123", "alice", "--yes"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(0);
    expect(apiRequests(emu)).toEqual([{ action: "RemoveUser", roomId: 123, userIds: ["alice"], code: null }]);
    expect(r.stdout).toContain(`RemoveUser room 123 users alice done RequestId ${emu.requests[0]!.requestId}`);
    expect(emu.store.snapshot().apps[0]!.rooms!["123"]).toEqual(["bob", "carol"]);
    expect(r.stderr).toMatch(/profile default · SdkAppId 1400000001 · ap-guangzhou · http:\/\/127\.0\.0\.1:\d+\/ · credentials: environment/);
  });

  it("a kick or dismissal with its ids as arguments and --yes or --dry-run never opens stdin", async () => {
    const kick = await run(["kick", "123", "alice", "--yes"], { env: emulatorEnv(emu), noStdin: true });
    expect(kick.code).toBe(0);
    const dry = await run(["dismiss", "456", "--dry-run"], { env: emulatorEnv(emu), noStdin: true });
    expect(dry.code).toBe(0);
    expect(apiRequests(emu)).toEqual([{ action: "RemoveUser", roomId: 123, userIds: ["alice"], code: null }]);
  });

  it("kick --str-room 123 uses RemoveUserByStrRoomId on the string room", async () => {
    const r = await run(["kick", "--str-room", "123", "zed", "--yes"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(0);
    expect(apiRequests(emu)).toEqual([{ action: "RemoveUserByStrRoomId", roomId: "123", userIds: ["zed"], code: null }]);
    expect(emu.store.snapshot().apps[0]!.rooms!["123"]).toEqual(["alice", "bob", "carol"]);
    expect(emu.store.snapshot().apps[0]!.strRooms!["123"]).toEqual(["yan"]);
  });

  it("kick abc uses RemoveUserByStrRoomId", async () => {
    const r = await run(["kick", "standup", "dave", "--yes"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(0);
    expect(apiRequests(emu)).toEqual([{ action: "RemoveUserByStrRoomId", roomId: "standup", userIds: ["dave"], code: null }]);
  });

  it("25 users become three requests of 10, 10 and 5, duplicates dropped", async () => {
    const r = await run(["kick", "123", ...users(25), "user3", "user7", "--yes", "--json"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(0);
    const sent = apiRequests(emu).map((q) => (q.userIds as string[]).length);
    expect(sent.sort((a, b) => b - a)).toEqual([10, 10, 5]);
    expect(JSON.parse(r.stdout).summary).toEqual({ total: 3, done: 3, alreadyGone: 0, failed: 0, planned: 0, notStarted: 0 });
  });

  it.each([
    [["remove-user", "123", "alice", "bob"], "RemoveUser", 123, { rooms: { "123": ["carol"] }, strRooms: { "123": ["zed", "yan"] } }],
    [
      ["remove-user-by-str-room-id", "123", "zed"],
      "RemoveUserByStrRoomId",
      "123",
      { rooms: { "123": ["alice", "bob", "carol"] }, strRooms: { "123": ["yan"] } },
    ],
    [["dismiss-room", "123"], "DismissRoom", 123, { rooms: {}, strRooms: { "123": ["zed", "yan"] } }],
    [["dismiss-room-by-str-room-id", "123"], "DismissRoomByStrRoomId", "123", { rooms: { "123": ["alice", "bob", "carol"] }, strRooms: {} }],
  ])("%j sends %s and changes only that room", async (args, action, roomId, expected) => {
    const r = await run([...args, "--yes"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(0);
    expect(apiRequests(emu)).toMatchObject([{ action, roomId, code: null }]);
    const app = emu.store.snapshot().apps[0]!;
    expect({ rooms: { "123": app.rooms!["123"] }, strRooms: { "123": app.strRooms!["123"] } }).toEqual({
      rooms: { "123": expected.rooms["123" as keyof typeof expected.rooms] },
      strRooms: { "123": expected.strRooms["123" as keyof typeof expected.strRooms] },
    });
  });

  it("the API-named commands take --from-file like kick and dismiss: a file, standard input, or with arguments", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trtc-ids-"));
    writeFileSync(join(dir, "rooms.txt"), "# rooms\n123\n\n456\n");
    const env = emulatorEnv(emu);
    expect((await run(["remove-user", "123", "--from-file", "-", "--yes"], { env, input: "alice\nbob\n" })).code).toBe(0);
    expect((await run(["remove-user-by-str-room-id", "standup", "carol", "--from-file", "-", "--yes"], { env, input: "dave\n" })).code).toBe(0);
    expect((await run(["dismiss-room", "--from-file", join(dir, "rooms.txt"), "--yes"], { env })).code).toBe(0);
    expect((await run(["dismiss-room-by-str-room-id", "--from-file", "-", "--yes"], { env, input: "123\n" })).code).toBe(0);
    expect(apiRequests(emu).map(({ action, roomId, userIds }) => [action, roomId, userIds].filter(Boolean))).toEqual([
      ["RemoveUser", 123, ["alice", "bob"]],
      ["RemoveUserByStrRoomId", "standup", ["carol", "dave"]],
      ["DismissRoom", 123],
      ["DismissRoom", 456],
      ["DismissRoomByStrRoomId", "123"],
    ]);
  });

  it.each([
    [["remove-user", "123"], "no user ids given"],
    [["dismiss-room"], "no rooms given"],
  ])("%j with neither ids nor --from-file is a usage error (exit 2), nothing sent", async (args, message) => {
    const r = await run([...args, "--yes"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${message}\nhint: pass them as arguments or with --from-file <path|->`);
    expect(apiRequests(emu)).toEqual([]);
  });

  it("dismiss removes the room; every member's client saw onExitRoom(2)", async () => {
    const r = await run(["dismiss", "123", "standup", "--yes"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(0);
    expect(
      apiRequests(emu)
        .map((q) => [q.action, q.roomId])
        .sort(),
    ).toEqual([
      ["DismissRoom", 123],
      ["DismissRoomByStrRoomId", "standup"],
    ]);
    const app = emu.store.snapshot().apps[0]!;
    expect(app.rooms!["123"]).toBeUndefined();
    expect(app.strRooms!.standup).toBeUndefined();
    expect(
      emu.store.events
        .filter((e) => e.event === "onExitRoom" && e.reason === 2)
        .map((e) => e.userId)
        .sort(),
    ).toEqual(["alice", "bob", "carol", "carol", "dave"]);
    expect(r.stdout).toMatch(/2 requests: 2 done/);
  });
});

describe("failures and exit codes", () => {
  it("a missing room fails with exit 1, the code, the RequestId and a hint", async () => {
    const r = await run(["dismiss", "999", "--yes"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("FailedOperation.RoomNotExist");
    expect(r.stdout).toContain(`RequestId ${emu.requests[0]!.requestId}`);
    // RoomNotExist's own hint (numeric and string rooms differ; --ignore-missing), not another code's.
    expect(r.stdout).toMatch(/\n +hint: no such room now: .*different rooms .*--ignore-missing treats this as already gone\n/);
  });

  it("--ignore-missing turns a missing room into already-gone, exit 0", async () => {
    const r = await run(["dismiss", "999", "--yes", "--ignore-missing", "--json"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results[0]).toMatchObject({ status: "already-gone", requestId: emu.requests[0]!.requestId });
  });

  it("a wrong secret key exits 4 and stops sending the rest", async () => {
    const r = await run(["dismiss", "123", "456", "--yes", "--concurrency", "1", "--json"], { env: emulatorEnv(emu, { TENCENTCLOUD_SECRET_KEY: "wrong" }) });
    expect(r.code).toBe(4);
    const out = JSON.parse(r.stdout);
    const byRoom = Object.fromEntries(out.results.map((x: any) => [x.roomId, x]));
    expect(byRoom[123]).toMatchObject({ status: "failed", error: { code: "AuthFailure.SignatureFailure" } });
    expect(byRoom[456]).toMatchObject({ status: "not-started", attempts: 0, error: { code: "AuthFailure.SignatureFailure", requestId: null } });
    expect(emu.requests).toHaveLength(1);
  });

  it("temporary credentials send their session token; a wrong one is TokenFailure, exit 4", async () => {
    const emu2 = await emulator({ sessionToken: "sts-token-1", seed: seedApp({ "5": ["a"], "6": ["b"] }) });
    try {
      expect((await run(["dismiss", "5", "--yes"], { env: emulatorEnv(emu2, { TENCENTCLOUD_SESSION_TOKEN: "sts-token-1" }) })).code).toBe(0);
      const bad = await run(["dismiss", "6", "--yes"], { env: emulatorEnv(emu2, { TENCENTCLOUD_SESSION_TOKEN: "tok-CANARY-9f3" }) });
      expect(bad.code).toBe(4);
      expect(bad.stdout).toContain("AuthFailure.TokenFailure");
      expect(bad.stdout + bad.stderr).not.toContain("tok-CANARY-9f3");
    } finally {
      await emu2.close();
    }
  });

  it("an unknown SdkAppId exits 4", async () => {
    const r = await run(["dismiss", "123", "--yes", "--sdk-app-id", "1400000999"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(4);
    expect(r.stdout).toContain("UnauthorizedOperation.SdkAppId");
  });

  it("no credentials exits 3 and sends nothing", async () => {
    const r = await run(["dismiss", "123", "--yes"], { env: emulatorEnv(emu, { TENCENTCLOUD_SECRET_ID: undefined, TENCENTCLOUD_SECRET_KEY: undefined }) });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no credentials for profile "default"/);
    expect(emu.requests).toHaveLength(0);
  });

  it.each([
    [["kick", "123", "bad user", "--yes"], /invalid user id "bad user"/],
    [["kick", "123", "a".repeat(33), "--yes"], /33 bytes/],
    [["dismiss", "0", "--yes"], /invalid numeric room id "0"/],
    [["dismiss", "4294967295", "--yes"], /out of range/],
    [["dismiss", "--numeric-room", "0123", "--yes"], /invalid numeric room id "0123"/],
    [["dismiss", "a/b", "--yes"], /character "\/" is not allowed/],
    [["dismiss", "r".repeat(65), "--yes"], /65 bytes/],
    [["dismiss", "123", "--yes", "--region", "ap-tokyo"], /unsupported region "ap-tokyo"/],
    [["dismiss", "123", "--yes", "--endpoint", "http://example.com"], /refusing plain http/],
    [["dismiss", "123"], /--yes is required when not running interactively/],
    [["dismiss", "--yes"], /no rooms given/],
    [["kick", "123", "--yes"], /no user ids given/],
    [["dismiss", "123", "--yes", "--rate", "-1"], /'--rate <n>' argument '-1' is invalid/],
    [["frobnicate"], /unknown command/],
  ])("%j exits 2 and sends nothing", async (args, message) => {
    const r = await run(args, { env: emulatorEnv(emu) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(emu.requests).toHaveLength(0);
  });

  it("--dry-run of one request still prints the count", async () => {
    const r = await run(["dismiss", "--str-room", "123", "--dry-run"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('• DismissRoomByStrRoomId room "123" planned SdkAppId 1400000001\n1 request planned (dry run: nothing sent)\n');
    expect(emu.requests).toHaveLength(0);
  });

  it("--dry-run sends nothing, needs no credentials, and names each action", async () => {
    const r = await run(["kick", "123", ...users(12), "--dry-run"], {
      env: emulatorEnv(emu, { TENCENTCLOUD_SECRET_ID: undefined, TENCENTCLOUD_SECRET_KEY: undefined }),
    });
    expect(r.code).toBe(0);
    expect(emu.requests).toHaveLength(0);
    expect(r.stdout.match(/RemoveUser room 123 users .* planned SdkAppId 1400000001/g)).toHaveLength(2);
    expect(r.stdout).toContain("2 requests planned (dry run: nothing sent)");
  });
});

describe("machine-readable output", () => {
  it("--json prints one document with results and summary", async () => {
    const r = await run(["dismiss", "123", "999", "--yes", "--json"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.summary).toEqual({ total: 2, done: 1, alreadyGone: 0, failed: 1, planned: 0, notStarted: 0 });
    const byRoom = Object.fromEntries(doc.results.map((x: any) => [x.roomId, x]));
    expect(byRoom[123]).toEqual({
      action: "DismissRoom",
      sdkAppId: APP,
      roomId: 123,
      roomIdType: "numeric",
      status: "done",
      requestId: expect.any(String),
      attempts: 1,
    });
    expect(byRoom[999]).toEqual({
      action: "DismissRoom",
      sdkAppId: APP,
      roomId: 999,
      roomIdType: "numeric",
      status: "failed",
      requestId: expect.any(String),
      attempts: 1,
      error: { code: "FailedOperation.RoomNotExist", message: expect.any(String), requestId: byRoom[999].requestId },
    });
    expect(r.stderr).toBe("");
  });

  it("--output ndjson prints a result per line, then the summary", async () => {
    const r = await run(["kick", "--str-room", "standup", "carol", "--yes", "--output", "ndjson"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        action: "RemoveUserByStrRoomId",
        sdkAppId: APP,
        roomId: "standup",
        roomIdType: "string",
        userIds: ["carol"],
        status: "done",
        requestId: expect.any(String),
        attempts: 1,
      },
      { summary: { total: 1, done: 1, alreadyGone: 0, failed: 0, planned: 0, notStarted: 0 } },
    ]);
  });

  it("a usage error in JSON mode is a JSON error document", async () => {
    const r = await run(["dismiss", "0", "--yes", "--json"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ ok: false, error: { code: "UsageError", message: expect.stringContaining('invalid numeric room id "0"') } });
  });
});

describe("colour", () => {
  const ansi = /\u001b\[/;
  it.each([
    [{ FORCE_COLOR: "1", NO_COLOR: undefined }, [], true],
    [{ FORCE_COLOR: "1", NO_COLOR: undefined }, ["--no-color"], false],
    [{ FORCE_COLOR: "1", NO_COLOR: undefined }, ["--no-color", "--dry-run"], false],
    [{ FORCE_COLOR: undefined, NO_COLOR: "1" }, [], false],
    [{ FORCE_COLOR: undefined, NO_COLOR: undefined }, [], false],
  ])("env %j, flags %j: colour %s", async (vars, flags, coloured) => {
    const args = flags[0] === "--no-color" && flags.length === 1 ? ["--no-color", "dismiss", "123", "--dry-run"] : ["dismiss", "123", "--dry-run", ...flags];
    const env = emulatorEnv(emu);
    delete env.NO_COLOR;
    for (const [k, v] of Object.entries(vars)) if (v !== undefined) env[k] = v;
    const r = await run(args, { env });
    expect(r.code).toBe(0);
    expect(ansi.test(r.stdout)).toBe(coloured);
  });
});

describe("secrets", () => {
  it("--debug traces requests without the secret key or the signature", async () => {
    const secret = "s3cr3t-Key-Canary-0123456789abcdef";
    const token = "t0ken-Canary-fedcba9876543210";
    const emu2 = await emulator({ secretKey: secret, sessionToken: token, seed: seedApp({ "5": ["a"] }) });
    try {
      const r = await run(["kick", "5", "a", "--yes", "--debug"], {
        env: emulatorEnv(emu2, { TENCENTCLOUD_SECRET_KEY: secret, TENCENTCLOUD_SESSION_TOKEN: token }),
      });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("debug → RemoveUser");
      expect(r.stderr).toContain("debug ← RemoveUser HTTP 200");
      const signature = emu2.requests[0]!.credentialScope; // scope is fine to show; the signature is not
      expect(signature).toBeTruthy();
      for (const text of [r.stdout, r.stderr]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(token);
        expect(text).not.toMatch(/Signature=[0-9a-f]{64}/);
        expect(text).not.toContain("AKIDtrtcEmulatorTestId");
      }
    } finally {
      await emu2.close();
    }
  });
});
