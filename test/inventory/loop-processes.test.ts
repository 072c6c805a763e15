import { describe, expect, it } from "vitest";
import { DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY } from "../../src/emulator/server.js";
import { baseEnv, run } from "../helpers/cli.js";
import { APP, KEY, notePostgresSkipped, STORES } from "./helpers.js";
import { children, emulatorControl, start, until } from "./processes.js";

/**
 * The whole loop with every piece a real process, as an operator runs it: the emulator, `events serve`,
 * and the CLI commands, talking only through HTTP and the inventory store.
 */

notePostgresSkipped();

describe.each(STORES)("the whole loop as real processes ($name store)", (factory) => {
  it.skipIf(factory.skip)(
    "clients enter through the emulator, events serve stores them, rooms list shows them, dismiss --live --match closes exactly those",
    async () => {
      const { url: inventory, cleanup } = await factory.fresh();
      try {
        const env = baseEnv({
          TRTC_SDK_APP_ID: String(APP),
          TRTC_CALLBACK_KEY: KEY,
          TRTC_INVENTORY: inventory,
          TENCENTCLOUD_SECRET_ID: DEFAULT_SECRET_ID,
          TENCENTCLOUD_SECRET_KEY: DEFAULT_SECRET_KEY,
        });
        const serve = start(["events", "serve", "--port", "0", "--output", "ndjson"], env, "stderr", / on (http:\/\/\S+)/);
        const callbackUrl = await serve.url;
        const emu = start(
          ["emulator", "--port", "0", "--callback-url", callbackUrl, "--callback-key", KEY],
          baseEnv(),
          "stdout",
          /listening on (http:\/\/\S+)/,
        );
        const endpoint = await emu.url;
        const cli = (args: string[]) => run(args, { env: { ...env, TRTC_ENDPOINT: endpoint } });
        const stored = () =>
          serve
            .stdout()
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l) as { eventType: number; roomId: number | string; userId: string | null; status: string });

        for (const [roomId, userId] of [
          ["ci-1", "alice"],
          ["ci-2", "bob"],
          [1234, "carol"],
        ] as const) {
          expect(await emulatorControl(endpoint, "POST", "clients", { sdkAppId: APP, roomId, userId, action: "enter" })).toMatchObject({ ok: true });
        }
        await until(() => stored().length === 6, "six callbacks stored (a 101 and a 103 per room)");
        expect(stored().every((e) => e.status === "stored")).toBe(true);

        const listed = await cli(["rooms", "list", "--json"]);
        expect(listed.code).toBe(0);
        const live = JSON.parse(listed.stdout);
        expect(live.summary).toEqual({ count: 3 });
        expect(live.rooms.map((r: { roomId: unknown; members: { userId: string }[] }) => [r.roomId, r.members.map((m) => m.userId)])).toEqual([
          [1234, ["carol"]],
          ["ci-1", ["alice"]],
          ["ci-2", ["bob"]],
        ]);

        const dismissed = await cli(["dismiss", "--live", "--match", "ci-*", "--yes", "--json"]);
        expect(dismissed.code).toBe(0);
        const report = JSON.parse(dismissed.stdout);
        expect(report.ok).toBe(true);
        // Results come in completion order, and the two dismissals run side by side.
        const byRoom = (a: unknown[], b: unknown[]) => String(a[1]).localeCompare(String(b[1]));
        expect(report.results.map((r: { action: string; roomId: unknown; status: string }) => [r.action, r.roomId, r.status]).sort(byRoom)).toEqual([
          ["DismissRoomByStrRoomId", "ci-1", "done"],
          ["DismissRoomByStrRoomId", "ci-2", "done"],
        ]);
        expect(report.summary).toMatchObject({ total: 2, done: 2, failed: 0 });

        // The emulator received exactly those two dismissals, and only numeric room 1234 is left there.
        const { requests } = await emulatorControl(endpoint, "GET", "requests");
        expect(requests.map((q: { action: string; roomId: unknown; code: unknown }) => [q.action, q.roomId, q.code]).sort(byRoom)).toEqual([
          ["DismissRoomByStrRoomId", "ci-1", null],
          ["DismissRoomByStrRoomId", "ci-2", null],
        ]);
        const state = await emulatorControl(endpoint, "GET", "state");
        expect(state.apps[0]).toMatchObject({ sdkAppId: APP, rooms: { "1234": ["carol"] }, strRooms: {} });

        // TRTC's 102s reach the receiver too; every callback was delivered on its first attempt.
        await until(() => stored().filter((e) => e.eventType === 102).length === 2, "the two 102 callbacks");
        expect(
          stored()
            .filter((e) => e.eventType === 102)
            .map((e) => e.roomId)
            .sort(),
        ).toEqual(["ci-1", "ci-2"]);
        const { callbacks } = await emulatorControl(endpoint, "GET", "callbacks");
        expect(callbacks).toHaveLength(8);
        expect(callbacks.every((c: { outcome: string; attempts: number }) => c.outcome === "delivered" && c.attempts === 1)).toBe(true);

        // The inventory agrees: the ci rooms are closed and empty, 1234 is still live.
        const after = await cli(["rooms", "list", "--all", "--json"]);
        expect(after.code).toBe(0);
        expect(
          JSON.parse(after.stdout).rooms.map((r: { roomId: unknown; live: boolean; closedAt: string | null; members: unknown[] }) => [
            r.roomId,
            r.live,
            r.closedAt === null,
            r.members.length,
          ]),
        ).toEqual([
          [1234, true, true, 1],
          ["ci-1", false, false, 0],
          ["ci-2", false, false, 0],
        ]);
        const again = await cli(["dismiss", "--live", "--match", "ci-*", "--yes", "--json"]);
        expect(again.code).toBe(0);
        expect(JSON.parse(again.stdout).results).toEqual([]);
        expect((await emulatorControl(endpoint, "GET", "requests")).requests).toHaveLength(2);

        serve.child.kill("SIGTERM");
        emu.child.kill("SIGTERM");
        expect(await serve.exited).toBe(0);
        expect(await emu.exited).toBe(0);
        expect(serve.stdout() + serve.stderr() + emu.stdout() + emu.stderr()).not.toContain(KEY);
      } finally {
        for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        await cleanup();
      }
    },
  );
});
