import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/commands/program.js";
import { DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY, type Emulator } from "../../src/emulator/server.js";
import { emulator } from "../helpers/cli.js";
import { APP, fakeIo, KEY, STORES } from "./helpers.js";

let emu: Emulator | undefined;
let stopReceiver: (() => Promise<unknown>) | undefined;
afterEach(async () => {
  await stopReceiver?.();
  await emu?.close();
  emu = undefined;
  stopReceiver = undefined;
});

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(STORES.filter((s) => !s.skip))("the whole loop on the %s store", (factory) => {
  it("clients enter, the receiver sees them, rooms list shows them, dismiss --live --match clears exactly those, the callbacks close them", async () => {
    const { url: inventory, cleanup } = await factory.fresh();
    try {
      const env = {
        TRTC_SDK_APP_ID: String(APP),
        TRTC_CALLBACK_KEY: KEY,
        TRTC_INVENTORY: inventory,
        TENCENTCLOUD_SECRET_ID: DEFAULT_SECRET_ID,
        TENCENTCLOUD_SECRET_KEY: DEFAULT_SECRET_KEY,
      };
      const receiver = fakeIo(env);
      const serving = main(["events", "serve", "--port", "0", "--output", "ndjson"], receiver.io);
      stopReceiver = () => (receiver.abort.abort(), serving);
      const callbackUrl = await receiver.listening(serving);
      emu = await emulator({ seed: { apps: [{ sdkAppId: APP }] }, callbackUrl, callbackKey: KEY });
      const enter = (roomId: number | string, userId: string) =>
        fetch(`${emu!.url}/_emulator/clients`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ sdkAppId: APP, roomId, userId, action: "enter" }),
        }).then((r) => expect(r.status).toBe(200));
      await enter("ci-1", "alice");
      await enter("ci-2", "bob");
      await enter(1234, "carol");
      await until(() => receiver.stdout().trim().split("\n").filter(Boolean).length === 6, "six callbacks (a 101 and a 103 per room)");

      const listed = fakeIo({ ...env });
      expect(await main(["rooms", "list", "--json"], listed.io)).toBe(0);
      expect(JSON.parse(listed.stdout()).rooms.map((r: { roomId: unknown }) => r.roomId)).toEqual([1234, "ci-1", "ci-2"]);

      const planned = fakeIo({ ...env, TRTC_ENDPOINT: emu.url });
      expect(await main(["dismiss", "--live", "--match", "ci-*", "--dry-run", "--json"], planned.io)).toBe(0);
      expect(JSON.parse(planned.stdout()).results.map((r: { action: string; roomId: unknown }) => [r.action, r.roomId])).toEqual([
        ["DismissRoomByStrRoomId", "ci-1"],
        ["DismissRoomByStrRoomId", "ci-2"],
      ]);

      const dismissed = fakeIo({ ...env, TRTC_ENDPOINT: emu.url });
      expect(await main(["dismiss", "--live", "--match", "ci-*", "--yes", "--json"], dismissed.io)).toBe(0);
      expect(emu.requests.map((q) => [q.action, q.roomId])).toEqual([
        ["DismissRoomByStrRoomId", "ci-1"],
        ["DismissRoomByStrRoomId", "ci-2"],
      ]);
      // Closed at once by the dismissal itself, and the 102s arrive too.
      const after = fakeIo({ ...env });
      expect(await main(["rooms", "list", "--all", "--json"], after.io)).toBe(0);
      expect(JSON.parse(after.stdout()).rooms.map((r: { roomId: unknown; live: boolean }) => [r.roomId, r.live])).toEqual([
        [1234, true],
        ["ci-1", false],
        ["ci-2", false],
      ]);
      const closes = () =>
        receiver
          .stdout()
          .split("\n")
          .filter((line) => line.includes('"eventType":102'))
          .map((line) => JSON.parse(line).roomId);
      await until(() => closes().length === 2, "the two 102 callbacks");
      expect(closes().sort()).toEqual(["ci-1", "ci-2"]);

      const none = fakeIo({ ...env, TRTC_ENDPOINT: emu.url });
      expect(await main(["dismiss", "--live", "--match", "ci-*", "--yes"], none.io)).toBe(0);
      expect(none.stderr()).toMatch(/no live room in the inventory matches: nothing to dismiss/);
      expect(emu.requests).toHaveLength(2);
    } finally {
      await stopReceiver?.();
      stopReceiver = undefined;
      await cleanup();
    }
  });
});

describe("dismiss --live usage", () => {
  it.each([
    [["dismiss", "--live", "1234", "--yes"], /--live takes no rooms/],
    [["dismiss", "--live", "--from-file", "rooms.txt", "--yes"], /--live takes no rooms/],
    [["dismiss", "1234", "--match", "ci-*", "--yes"], /they need --live/],
    [["dismiss", "--live", "--idle-for", "2 hours", "--yes"], /--idle-for/],
  ])("%j exits 2", async (args, message) => {
    const run = fakeIo();
    expect(await main(args, run.io)).toBe(2);
    expect(run.stderr()).toMatch(message);
  });
});
