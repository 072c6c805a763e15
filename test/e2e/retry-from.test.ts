import { execFileSync } from "node:child_process";
import { closeSync, constants, existsSync, open, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.js";
import { apiRequests, emulator, emulatorEnv, runIn, seedApp } from "../helpers/inproc.js";
import { tempDir } from "../inventory/helpers.js";

let emu: Emulator;
afterEach(async () => {
  await emu?.close();
});

const ROOMS = ["1", "2", "3", "4", "5", "6"];

/** The API requests that reached the emulator since `from`, as [action, room, users]. */
const sentSince = (from: number) =>
  apiRequests(emu)
    .slice(from)
    .map((q) => [q.action, q.roomId, q.userIds ?? null]);

function file(name: string, text: string): string {
  const path = join(tempDir("trtc-retry-"), name);
  writeFileSync(path, text);
  return path;
}

/**
 * Six rooms dismissed one at a time: room 2 fails (FailedOperation, not retried), room 4's credentials
 * are refused, which stops the run, so rooms 5 and 6 are not-started. Rooms 1 and 3 are done.
 */
async function failedRun(format: "ndjson" | "json") {
  emu = await emulator({ seed: seedApp(Object.fromEntries(ROOMS.map((r) => [r, ["alice"]]))) });
  emu.faults.add({ kind: "error", code: "FailedOperation", roomId: 2 });
  emu.faults.add({ kind: "error", code: "AuthFailure.SignatureFailure", roomId: 4 });
  const first = await runIn(["dismiss", ...ROOMS, "--yes", "--concurrency", "1", "--output", format], { env: emulatorEnv(emu) });
  expect(first.code).toBe(4);
  return file(`results.${format}`, first.stdout);
}

describe("--retry-from", () => {
  for (const format of ["ndjson", "json"] as const) {
    it(`re-sends exactly the failed and not-started requests of ${format} results, in their order`, async () => {
      const results = await failedRun(format);
      const before = emu.requests.length;
      const retry = await runIn(["dismiss", "--retry-from", results, "--yes", "--json"], { env: emulatorEnv(emu) });
      expect(retry.code).toBe(0);
      const text = readFileSync(results, "utf8");
      const earlier: { roomId: number; status: string }[] =
        format === "json"
          ? JSON.parse(text).results
          : text
              .trimEnd()
              .split("\n")
              .slice(0, -1)
              .map((l) => JSON.parse(l));
      const retried = earlier.filter((r) => r.status === "failed" || r.status === "not-started").map((r) => r.roomId);
      expect([...retried].sort()).toEqual([2, 4, 5, 6]);
      expect(sentSince(before)).toEqual(retried.map((room) => ["DismissRoom", room, null]));
      expect(JSON.parse(retry.stdout).summary).toMatchObject({ total: 4, done: 4 });
    });
  }

  it("kick: only the failed batch is sent again, with its users; mute keeps each result's IsMute", async () => {
    const users = Array.from({ length: 12 }, (_, i) => `u${i + 1}`);
    emu = await emulator({ seed: seedApp({ "1234": [...users, "alice", "bob"] }) });
    emu.faults.add({ kind: "error", code: "FailedOperation", action: "RemoveUser" });
    const kick = await runIn(["kick", "1234", ...users, "--yes", "--concurrency", "1", "-o", "ndjson"], { env: emulatorEnv(emu) });
    expect(kick.code).toBe(1);
    let before = emu.requests.length;
    expect((await runIn(["kick", "--retry-from", file("kick.ndjson", kick.stdout), "--yes"], { env: emulatorEnv(emu) })).code).toBe(0);
    expect(sentSince(before)).toEqual([["RemoveUser", 1234, users.slice(0, 10)]]);

    emu.faults.add({ kind: "error", code: "FailedOperation", action: "SetUserBlocked" });
    const mute = await runIn(["mute", "1234", "alice", "bob", "--audio-only", "--yes", "--concurrency", "1", "--json"], { env: emulatorEnv(emu) });
    expect(mute.code).toBe(1);
    before = emu.requests.length;
    expect((await runIn(["mute", "--retry-from", file("mute.json", mute.stdout), "--yes"], { env: emulatorEnv(emu) })).code).toBe(0);
    expect(emu.requests.slice(before).map((q) => [q.action, q.roomId, q.userId, q.isMute])).toEqual([["SetUserBlocked", 1234, "alice", 2]]);
  });

  it("results with nothing to retry: exit 0, nothing sent", async () => {
    emu = await emulator({ seed: seedApp({ "1": ["alice"] }) });
    const done = await runIn(["dismiss", "1", "--yes", "-o", "ndjson"], { env: emulatorEnv(emu) });
    const before = emu.requests.length;
    const retry = await runIn(["dismiss", "--retry-from", file("done.ndjson", done.stdout), "--yes"], { env: emulatorEnv(emu) });
    expect(retry.code).toBe(0);
    expect(retry.stderr).toContain("no failed or not-started request in");
    expect(sentSince(before)).toEqual([]);
  });

  it("a result of another command, a bad id or a wrong IsMute is exit 2 naming the line; nothing is sent", async () => {
    emu = await emulator({ seed: seedApp({ "1": ["alice"] }) });
    const base = { sdkAppId: 1400000001, roomId: 1, roomIdType: "numeric", status: "failed", requestId: null, attempts: 1 };
    const cases: [string[], object, RegExp][] = [
      [["dismiss"], { ...base, action: "RemoveUser", userIds: ["alice"] }, /bad\.ndjson:2: action "RemoveUser" is not what this command sends/],
      [["kick"], { ...base, action: "RemoveUser", userIds: ["al ice"] }, /bad\.ndjson:2: invalid user id "al ice"/],
      [["kick"], { ...base, action: "RemoveUserByStrRoomId", userIds: ["alice"] }, /bad\.ndjson:2: action "RemoveUserByStrRoomId"/],
      [["kick"], { ...base, roomId: "1", action: "RemoveUser", userIds: ["alice"] }, /bad\.ndjson:2: roomId "1" is not a numeric room id/],
      [["unmute"], { ...base, action: "SetUserBlocked", userIds: ["alice"], isMute: 1 }, /bad\.ndjson:2: isMute 1 is not 0 \(unmute\)/],
      [["mute"], { ...base, action: "SetUserBlocked", userIds: ["alice"], isMute: 0 }, /bad\.ndjson:2: isMute 0 is not 1, 2 or 3/],
      [["dismiss"], { ...base, action: "DismissRoom", sdkAppId: 1400000002 }, /bad\.ndjson:2: SdkAppId 1400000002 is not this run's/],
      [["dismiss"], { ...base, action: "DismissRoom", status: "maybe" }, /bad\.ndjson:2: status "maybe"/],
    ];
    // The summary line is skipped wherever it is: the Result on line 2 is the one checked.
    const good = JSON.stringify({ summary: { total: 1 } });
    for (const [command, result, message] of cases) {
      const path = file("bad.ndjson", `${good}\n${JSON.stringify(result)}\n`);
      const r = await runIn([...command, "--retry-from", path, "--yes"], { env: emulatorEnv(emu) });
      expect(r.code, `${command} ${JSON.stringify(result)}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const garbage = await runIn(["dismiss", "--retry-from", file("bad.ndjson", `${good}\nnot json\n`), "--yes"], { env: emulatorEnv(emu) });
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain("bad.ndjson:2: not JSON");
    const long = await runIn(["dismiss", "--retry-from", file("long.ndjson", `${"x".repeat(70_000)}\n`), "--yes"], { env: emulatorEnv(emu) });
    expect(long.code).toBe(2);
    expect(long.stderr).toContain("line is over 65536 bytes");
    expect(emu.requests).toEqual([]);
  });

  it("reads a one-line json document and - (stdin); --audio-only with --retry-from is exit 2", async () => {
    emu = await emulator({ seed: seedApp({ "1": ["alice"], "2": ["bob"] }) });
    const base = { action: "DismissRoom", sdkAppId: 1400000001, roomIdType: "numeric", requestId: null, attempts: 1 };
    const doc = JSON.stringify({
      results: [
        { ...base, roomId: 1, status: "failed" },
        { ...base, roomId: 2, status: "done" },
      ],
    });
    expect((await runIn(["dismiss", "--retry-from", file("one.json", doc), "--yes"], { env: emulatorEnv(emu) })).code).toBe(0);
    expect(sentSince(0)).toEqual([["DismissRoom", 1, null]]);
    const piped = await runIn(["dismiss", "--retry-from", "-", "--yes"], {
      env: emulatorEnv(emu),
      input: JSON.stringify({ ...base, roomId: 2, status: "not-started" }),
    });
    expect(piped.code).toBe(0);
    expect(sentSince(1)).toEqual([["DismissRoom", 2, null]]);
    const flags = await runIn(["mute", "--retry-from", file("m.ndjson", ""), "--audio-only", "--yes"], { env: emulatorEnv(emu) });
    expect(flags.code).toBe(2);
    expect(flags.stderr).toContain("do not apply to --retry-from");
    expect(sentSince(2)).toEqual([]);
  });

  it("an interrupt while a FIFO given as --retry-from is read exits 130, nothing sent, no copy left", async () => {
    emu = await emulator({ seed: seedApp({ "1": ["alice"] }) });
    const tmp = tempDir("trtc-tmp-");
    const path = join(tempDir("trtc-fifo-"), "results");
    execFileSync("mkfifo", [path]);
    const line = `${JSON.stringify({ action: "DismissRoom", sdkAppId: 1400000001, roomId: 1, roomIdType: "numeric", status: "failed" })}\n`;
    // The writer opens once the CLI opens the FIFO for reading, writes one line and stays open.
    const writer = new Promise<number>((resolve, reject) => open(path, constants.O_WRONLY, (err, fd) => (err ? reject(err) : resolve(fd))));
    let interrupt: AbortController | undefined;
    const running = runIn(["dismiss", "--retry-from", path, "--yes"], { env: emulatorEnv(emu, { TMPDIR: tmp }), onStart: (c) => (interrupt = c) });
    const fd = await writer;
    try {
      writeSync(fd, line);
      const copied = () => readdirSync(tmp).some((d) => existsSync(join(tmp, d, "input")) && statSync(join(tmp, d, "input")).size === line.length);
      for (const deadline = Date.now() + 10_000; !copied(); ) {
        if (Date.now() > deadline) throw new Error("the line was never copied");
        await new Promise((r) => setTimeout(r, 10));
      }
      interrupt!.abort();
      const r = await running;
      expect(r.code).toBe(130);
      expect(emu.requests).toEqual([]);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      closeSync(fd);
    }
  });

  it("with rooms, user ids, --from-file or --all-members is exit 2; a missing file is exit 2", async () => {
    emu = await emulator({ seed: seedApp({ "1": ["alice"] }) });
    const env = emulatorEnv(emu);
    const results = file("r.ndjson", "");
    for (const args of [
      ["dismiss", "1", "--retry-from", results],
      ["dismiss", "--from-file", results, "--retry-from", results],
      ["kick", "1", "--retry-from", results],
      ["kick", "--all-members", "--retry-from", results],
      ["mute", "1", "alice", "--retry-from", results],
    ]) {
      const r = await runIn([...args, "--yes"], { env });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain("--retry-from takes no rooms");
    }
    const missing = await runIn(["dismiss", "--retry-from", "/nonexistent/r.ndjson", "--yes"], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read --retry-from /nonexistent/r.ndjson: ENOENT");
    expect(emu.requests).toEqual([]);
  });
});
