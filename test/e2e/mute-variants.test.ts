import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.js";
import { control } from "../emulator/control-client.js";
import { APP, emulator, emulatorEnv, run, seedApp } from "../helpers/inproc.js";

/**
 * The four mute variants (mute, unmute × numeric room, string room) end to end, with the exact request
 * bodies as they reach the emulator: the string form names its room StrRoomId, the numeric form RoomId.
 * Complements mute.test.ts: numeric unmute, the string room's errors and its InvalidAction hint.
 */

interface Sent {
  action: string;
  body: Record<string, unknown>;
}

/** Passes every API request on to the emulator unchanged (Host included, so the signature still verifies), noting its action and body. */
class Sniffer {
  readonly sent: Sent[] = [];
  url = "";
  private readonly server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      this.sent.push({ action: String(req.headers["x-tc-action"]), body: JSON.parse(raw.toString("utf8")) });
      const target = new URL(this.target);
      const out = request({ hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent: false }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on("error", () => res.destroy());
      out.end(raw);
    });
  });

  constructor(private readonly target: string) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

let emu: Emulator | undefined;
let sniffer: Sniffer | undefined;
afterEach(async () => {
  await sniffer?.close();
  await emu?.close();
  sniffer = undefined;
  emu = undefined;
});

const start = async (options: Parameters<typeof emulator>[0] = {}) => {
  emu = await emulator({ seed: seedApp({ "1234": ["alice", "bob"] }, { standup: ["carol", "dave"] }), ...options });
  sniffer = await new Sniffer(emu.url).start();
  return emu;
};
/** A command line against the emulator, through the sniffer. */
const cli = (args: string[]) => run(args, { env: emulatorEnv(emu!, { TRTC_ENDPOINT: sniffer!.url }) });
const mutes = () => emu!.store.snapshot().apps[0]!.mutes;
/** The request log's answers, in order. */
const codes = () => emu!.requests.map((q) => q.code);

interface MuteResult {
  action: string;
  roomId: number | string;
  roomIdType: string;
  userIds: string[];
  isMute: number;
  status: string;
  attempts: number;
  error?: { code: string; message: string; requestId: string | null };
}

describe("the four mute variants, exactly as sent", () => {
  it.each([
    {
      name: "mute, numeric room",
      args: ["mute", "1234", "alice", "--audio-only"],
      before: [] as string[][],
      sent: { action: "SetUserBlocked", body: { SdkAppId: APP, RoomId: 1234, UserId: "alice", IsMute: 2 } },
      result: { roomId: 1234, roomIdType: "numeric", isMute: 2 },
      after: { rooms: { "1234": { alice: 2 } }, strRooms: {} },
    },
    {
      name: "unmute, numeric room",
      args: ["unmute", "1234", "alice"],
      before: [["mute", "1234", "alice", "bob"]],
      sent: { action: "SetUserBlocked", body: { SdkAppId: APP, RoomId: 1234, UserId: "alice", IsMute: 0 } },
      result: { roomId: 1234, roomIdType: "numeric", isMute: 0 },
      after: { rooms: { "1234": { bob: 1 } }, strRooms: {} },
    },
    {
      name: "mute, string room",
      args: ["mute", "standup", "carol"],
      before: [],
      sent: { action: "SetUserBlockedByStrRoomId", body: { SdkAppId: APP, StrRoomId: "standup", UserId: "carol", IsMute: 1 } },
      result: { roomId: "standup", roomIdType: "string", isMute: 1 },
      after: { rooms: {}, strRooms: { standup: { carol: 1 } } },
    },
    {
      name: "unmute, string room",
      args: ["unmute", "standup", "carol"],
      before: [["mute", "standup", "carol", "dave", "--video-only"]],
      sent: { action: "SetUserBlockedByStrRoomId", body: { SdkAppId: APP, StrRoomId: "standup", UserId: "carol", IsMute: 0 } },
      result: { roomId: "standup", roomIdType: "string", isMute: 0 },
      after: { rooms: {}, strRooms: { standup: { dave: 3 } } },
    },
  ])("$name: one $sent.action request naming the room, the user and IsMute", async ({ args, before, sent, result, after }) => {
    await start();
    for (const earlier of before) expect((await cli([...earlier, "--yes"])).code).toBe(0);
    sniffer!.sent.length = 0;
    emu!.requests.length = 0;
    const r = await cli([...args, "--yes", "--json"]);
    expect(r.code).toBe(0);
    expect(sniffer!.sent).toEqual([sent]);
    expect(emu!.requests.map((q) => [q.action, q.roomId, q.userId, q.isMute, q.code])).toEqual([
      [sent.action, sent.body.RoomId ?? sent.body.StrRoomId, sent.body.UserId, sent.body.IsMute, null],
    ]);
    const { ok, results, summary } = JSON.parse(r.stdout) as { ok: boolean; results: MuteResult[]; summary: object };
    expect(ok).toBe(true);
    expect(results).toEqual([
      { action: sent.action, sdkAppId: APP, ...result, userIds: [sent.body.UserId], status: "done", requestId: expect.any(String), attempts: 1 },
    ]);
    expect(summary).toEqual({ total: 1, done: 1, alreadyGone: 0, failed: 0, planned: 0, notStarted: 0 });
    expect(mutes()).toEqual(after);
  });
});

describe.each(["mute", "unmute"])("%s in a string room: the errors", (command) => {
  const isMute = command === "mute" ? 1 : 0;
  const label = command === "mute" ? "mute audio and video" : "unmute";

  it("a user not in the room: FailedOperation.UserNotExist, exit 1, sent once; already-gone with --ignore-missing, exit 0", async () => {
    await start();
    const failed = await cli([command, "standup", "zoe", "--yes"]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`✖ SetUserBlockedByStrRoomId room "standup" user zoe ${label} failed FailedOperation.UserNotExist:`);
    expect(failed.stdout).toMatch(/hint: the user is not in this room now; --ignore-missing treats this as already gone/);
    expect(sniffer!.sent).toEqual([{ action: "SetUserBlockedByStrRoomId", body: { SdkAppId: APP, StrRoomId: "standup", UserId: "zoe", IsMute: isMute } }]);

    const gone = await cli([command, "standup", "zoe", "carol", "--yes", "--ignore-missing", "--json"]);
    expect(gone.code).toBe(0);
    const { ok, results, summary } = JSON.parse(gone.stdout) as { ok: boolean; results: MuteResult[]; summary: object };
    expect(ok).toBe(true);
    expect(results.map((x) => [x.action, x.roomId, x.userIds, x.isMute, x.status])).toEqual([
      ["SetUserBlockedByStrRoomId", "standup", ["zoe"], isMute, "already-gone"],
      ["SetUserBlockedByStrRoomId", "standup", ["carol"], isMute, "done"],
    ]);
    expect(summary).toMatchObject({ total: 2, done: 1, alreadyGone: 1, failed: 0 });
    expect(sniffer!.sent.slice(1).map((s) => s.body)).toEqual([
      { SdkAppId: APP, StrRoomId: "standup", UserId: "zoe", IsMute: isMute },
      { SdkAppId: APP, StrRoomId: "standup", UserId: "carol", IsMute: isMute },
    ]);
    expect(codes()).toEqual(["FailedOperation.UserNotExist", "FailedOperation.UserNotExist", null]);
  });

  it("InternalError.UserNotExist is the same: failed without a retry, already-gone with --ignore-missing", async () => {
    await start();
    await control(emu!, "POST", "faults", { kind: "error", code: "InternalError.UserNotExist", action: "SetUserBlockedByStrRoomId", times: 0 });
    const failed = await cli([command, "standup", "carol", "--yes"]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`✖ SetUserBlockedByStrRoomId room "standup" user carol ${label} failed InternalError.UserNotExist:`);
    expect(failed.stdout).toMatch(/hint: the user is not in this room now; --ignore-missing treats this as already gone/);
    const gone = await cli([command, "standup", "carol", "--yes", "--ignore-missing", "--json"]);
    expect(gone.code).toBe(0);
    expect((JSON.parse(gone.stdout) as { results: MuteResult[] }).results.map((x) => [x.status, x.attempts, x.isMute])).toEqual([["already-gone", 1, isMute]]);
    expect(sniffer!.sent.map((s) => s.body)).toEqual([
      { SdkAppId: APP, StrRoomId: "standup", UserId: "carol", IsMute: isMute },
      { SdkAppId: APP, StrRoomId: "standup", UserId: "carol", IsMute: isMute },
    ]);
    expect(codes()).toEqual(["InternalError.UserNotExist", "InternalError.UserNotExist"]);
  });

  it("a room that does not exist: FailedOperation.RoomNotExist, exit 1; already-gone with --ignore-missing, exit 0", async () => {
    await start();
    const failed = await cli([command, "nowhere", "carol", "--yes", "--json"]);
    expect(failed.code).toBe(1);
    const report = JSON.parse(failed.stdout) as { ok: boolean; results: MuteResult[] };
    expect(report.ok).toBe(false);
    expect(report.results).toEqual([
      {
        action: "SetUserBlockedByStrRoomId",
        sdkAppId: APP,
        roomId: "nowhere",
        roomIdType: "string",
        userIds: ["carol"],
        isMute,
        status: "failed",
        requestId: expect.any(String),
        attempts: 1,
        error: { code: "FailedOperation.RoomNotExist", message: expect.any(String), requestId: expect.any(String) },
      },
    ]);
    const gone = await cli([command, "nowhere", "carol", "--yes", "--ignore-missing", "--json"]);
    expect(gone.code).toBe(0);
    expect((JSON.parse(gone.stdout) as { results: MuteResult[] }).results.map((x) => [x.roomId, x.isMute, x.status])).toEqual([
      ["nowhere", isMute, "already-gone"],
    ]);
    expect(sniffer!.sent).toEqual([
      { action: "SetUserBlockedByStrRoomId", body: { SdkAppId: APP, StrRoomId: "nowhere", UserId: "carol", IsMute: isMute } },
      { action: "SetUserBlockedByStrRoomId", body: { SdkAppId: APP, StrRoomId: "nowhere", UserId: "carol", IsMute: isMute } },
    ]);
    expect(codes()).toEqual(["FailedOperation.RoomNotExist", "FailedOperation.RoomNotExist"]);
  });

  it('--str-room 1234 is string room "1234", not numeric room 1234: RoomNotExist, with the hint that says so', async () => {
    await start();
    const r = await cli([command, "--str-room", "1234", "alice", "--yes"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✖ SetUserBlockedByStrRoomId room "1234" user alice ${label} failed FailedOperation.RoomNotExist:`);
    expect(r.stdout).toMatch(/numeric 123 and string "123" are different rooms/);
    expect(r.stdout).toMatch(/--ignore-missing treats this as already gone/);
    expect(sniffer!.sent).toEqual([{ action: "SetUserBlockedByStrRoomId", body: { SdkAppId: APP, StrRoomId: "1234", UserId: "alice", IsMute: isMute } }]);
    expect(mutes()).toEqual({ rooms: {}, strRooms: {} });
  });

  it("an endpoint without SetUserBlockedByStrRoomId answers InvalidAction: exit 1, not retried, not already-gone, and the hint names the international site", async () => {
    await start({ unavailableActions: ["SetUserBlockedByStrRoomId"] });
    const r = await cli([command, "standup", "carol", "--yes"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✖ SetUserBlockedByStrRoomId room "standup" user carol ${label} failed InvalidAction:`);
    expect(r.stdout).toMatch(/hint: SetUserBlockedByStrRoomId is documented for the international site: try --endpoint trtc\.intl\.tencentcloudapi\.com/);
    const ignored = await cli([command, "standup", "carol", "--yes", "--ignore-missing", "--json"]);
    expect(ignored.code).toBe(1);
    expect((JSON.parse(ignored.stdout) as { results: MuteResult[] }).results.map((x) => [x.status, x.attempts, x.error?.code])).toEqual([
      ["failed", 1, "InvalidAction"],
    ]);
    expect(sniffer!.sent.map((s) => s.action)).toEqual(["SetUserBlockedByStrRoomId", "SetUserBlockedByStrRoomId"]);
    expect(codes()).toEqual(["InvalidAction", "InvalidAction"]);
    expect(mutes()).toEqual({ rooms: {}, strRooms: {} });
    // Only the string form is missing here: the numeric one still works against the same endpoint.
    expect((await cli([command, "1234", "alice", "--yes"])).code).toBe(0);
    expect(codes()).toEqual(["InvalidAction", "InvalidAction", null]);
  });
});
