import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.js";
import { emulator, emulatorEnv, run, seedApp } from "../helpers/inproc.js";

let emu: Emulator;
afterEach(async () => emu?.close());

const start = async (options: Parameters<typeof emulator>[0] = {}) => {
  emu = await emulator({ seed: seedApp({ "1234": ["alice", "bob"] }, { standup: ["carol", "dave"] }), ...options });
  return emu;
};
const mutes = () => emu.store.snapshot().apps[0]!.mutes;
const sent = () => emu.requests.map((q) => ({ action: q.action, code: q.code }));

describe("mute and unmute against the emulator", () => {
  it.each([
    [["mute", "1234", "alice", "bob"], "SetUserBlocked", 1, { rooms: { "1234": { alice: 1, bob: 1 } }, strRooms: {} }],
    [["mute", "1234", "alice", "--audio-only"], "SetUserBlocked", 2, { rooms: { "1234": { alice: 2 } }, strRooms: {} }],
    [["mute", "standup", "carol", "--video-only"], "SetUserBlockedByStrRoomId", 3, { rooms: {}, strRooms: { standup: { carol: 3 } } }],
    [["mute", "--str-room", "standup", "dave"], "SetUserBlockedByStrRoomId", 1, { rooms: {}, strRooms: { standup: { dave: 1 } } }],
  ])("%j: one %s request per user with IsMute %i, and the emulator holds the mute", async (args, action, isMute, state) => {
    await start();
    const r = await run([...(args as string[]), "--yes", "--json"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(0);
    const { results, summary } = JSON.parse(r.stdout);
    expect(
      results.every(
        (x: { action: string; isMute: number; status: string; userIds: string[] }) =>
          x.action === action && x.isMute === isMute && x.status === "done" && x.userIds.length === 1,
      ),
    ).toBe(true);
    expect(summary.done).toBe(args.length - 2 - (args.includes("--str-room") ? 1 : 0) - (args.some((a) => a.endsWith("-only")) ? 1 : 0));
    expect(mutes()).toEqual(state);
  });

  it("unmute sends IsMute 0 and clears the mute; the string room's body names StrRoomId", async () => {
    await start();
    expect((await run(["mute", "standup", "carol", "--yes"], { env: emulatorEnv(emu) })).code).toBe(0);
    const r = await run(["unmute", "standup", "carol", "--yes", "-o", "ndjson"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.split("\n")[0]!)).toMatchObject({ action: "SetUserBlockedByStrRoomId", roomId: "standup", isMute: 0, status: "done" });
    expect(mutes()).toEqual({ rooms: {}, strRooms: {} });
    expect(sent()).toEqual([
      { action: "SetUserBlockedByStrRoomId", code: null },
      { action: "SetUserBlockedByStrRoomId", code: null },
    ]);
  });

  it("a user not in the room fails (exit 1, one attempt), or is already-gone with --ignore-missing", async () => {
    await start();
    const failed = await run(["mute", "1234", "zoe", "--yes"], { env: emulatorEnv(emu) });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/FailedOperation\.UserNotExist/);
    expect(failed.stdout).toMatch(/hint: the user is not in this room now; --ignore-missing treats this as already gone/);
    const gone = await run(["mute", "1234", "zoe", "alice", "--yes", "--ignore-missing", "--json"], { env: emulatorEnv(emu) });
    expect(gone.code).toBe(0);
    expect(JSON.parse(gone.stdout).results.map((x: { userIds: string[]; status: string }) => [x.userIds[0], x.status])).toEqual([
      ["zoe", "already-gone"],
      ["alice", "done"],
    ]);
    expect(emu.requests.filter((q) => q.code === "FailedOperation.UserNotExist")).toHaveLength(2);
  });

  it("a missing room fails, or is already-gone with --ignore-missing", async () => {
    await start();
    expect((await run(["mute", "999", "alice", "--yes"], { env: emulatorEnv(emu) })).code).toBe(1);
    expect((await run(["mute", "999", "alice", "--yes", "--ignore-missing"], { env: emulatorEnv(emu) })).code).toBe(0);
    expect(sent().map((q) => q.code)).toEqual(["FailedOperation.RoomNotExist", "FailedOperation.RoomNotExist"]);
  });

  it("an endpoint without the action answers InvalidAction, and the hint names the international site", async () => {
    await start({ unavailableActions: ["SetUserBlocked"] });
    const r = await run(["mute", "1234", "alice", "--yes"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/failed InvalidAction/);
    expect(r.stdout).toMatch(/hint: SetUserBlocked is documented for the international site: try --endpoint trtc\.intl\.tencentcloudapi\.com/);
    expect(mutes()).toEqual({ rooms: {}, strRooms: {} });
  });

  it("usage: --audio-only with --video-only, and bad user ids, exit 2 with nothing sent", async () => {
    await start();
    expect((await run(["mute", "1234", "alice", "--audio-only", "--video-only", "--yes"], { env: emulatorEnv(emu) })).code).toBe(2);
    expect((await run(["mute", "1234", "al ice", "--yes"], { env: emulatorEnv(emu) })).code).toBe(2);
    expect((await run(["unmute", "1234", "--yes"], { env: emulatorEnv(emu) })).code).toBe(2);
    expect(emu.requests).toHaveLength(0);
  });

  it("--dry-run lists one planned request per user and sends nothing", async () => {
    await start();
    const r = await run(["mute", "1234", "alice", "bob", "alice", "--dry-run"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "• SetUserBlocked room 1234 user alice mute audio and video planned SdkAppId 1400000001\n• SetUserBlocked room 1234 user bob mute audio and video planned SdkAppId 1400000001\n2 requests planned (dry run: nothing sent)\n",
    );
    expect(emu.requests).toHaveLength(0);
  });
});
