import { describe, expect, it } from "vitest";
import { DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY } from "../../src/emulator/server.js";
import { baseEnv, run } from "../helpers/inproc.js";
import { APP, KEY, notePostgresSkipped, STORES } from "./helpers.js";
import { children, emulatorControl, start, until } from "./processes.js";

/**
 * --wait as an operator uses it: `events serve` and the emulator in their own processes, the
 * CLI (in this one: its side needs no process of its own) proving each kick and dismissal through
 * TRTC's own 104 (Reason 3) and 102 in the inventory.
 */

notePostgresSkipped();

describe.each(STORES)("--wait proves effects through events serve in another process ($name store)", (factory) => {
  it.skipIf(factory.skip)(
    "a kick and a ban are verified by their 104 kicked; an absent user and a dropped 102 are not verified: exit 1, counted",
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
        const emu = start(
          ["emulator", "--port", "0", "--callback-url", await serve.url, "--callback-key", KEY],
          baseEnv(),
          "stdout",
          /listening on (http:\/\/\S+)/,
        );
        const endpoint = await emu.url;
        const cli = async (args: string[]) => {
          const r = await run(args, { env: { ...env, TRTC_ENDPOINT: endpoint } });
          return { code: r.code, doc: JSON.parse(r.stdout), stderr: r.stderr };
        };
        const stored = () => serve.stdout().split("\n").filter(Boolean).length;
        for (const [roomId, userId] of [
          [1234, "alice"],
          [1234, "bob"],
          [77, "carol"],
          [55, "dave"],
          [99, "erin"],
        ] as const) {
          await emulatorControl(endpoint, "POST", "clients", { sdkAppId: APP, roomId, userId, action: "enter" });
        }
        await until(() => stored() === 9, "four 101s and five 103s stored");

        const kicked = await cli(["kick", "1234", "alice", "--wait", "10s", "--yes", "--json"]);
        expect(kicked.code, kicked.stderr).toBe(0);
        expect(kicked.doc.results).toMatchObject([{ action: "RemoveUser", userIds: ["alice"], status: "done", verified: true }]);
        expect(kicked.doc.summary).toMatchObject({ total: 1, done: 1, unverified: 0 });

        const banned = await cli(["ban", "55", "dave", "--for", "1h", "--wait", "10s", "--yes", "--json"]);
        expect(banned.code, banned.stderr).toBe(0);
        expect(banned.doc.results).toMatchObject([{ action: "RemoveUser", roomId: 55, userIds: ["dave"], status: "done", verified: true }]);

        // These two end at their deadlines (how a deadline ends the wait is test/unit/verify.test.ts's), so they run side by side.
        // TRTC answers a kick of someone not in the room with success, and no 104 ever comes. The dismissal's 102 of room 77,
        // seen within the same wait, shows that the dropped one of room 1234 had the time to arrive.
        await emulatorControl(endpoint, "POST", "faults", { target: "callback", kind: "drop", eventType: 102, roomId: 1234 });
        const [absent, dismissed] = await Promise.all([
          cli(["kick", "99", "nobody", "--wait", "1s", "--yes", "--json"]),
          cli(["dismiss", "1234", "77", "--wait", "2s", "--yes", "--json"]),
        ]);
        expect(absent.code).toBe(1);
        expect(absent.doc.results).toMatchObject([{ roomId: 99, status: "done", verified: false }]);
        expect(absent.doc).toMatchObject({ ok: false, summary: { done: 1, unverified: 1 } });
        expect(dismissed.code).toBe(1);
        const byRoom = Object.fromEntries(dismissed.doc.results.map((r: { roomId: number; verified: boolean }) => [r.roomId, r.verified]));
        expect(byRoom).toEqual({ 1234: false, 77: true });
        expect(dismissed.doc.summary).toMatchObject({ total: 2, done: 2, unverified: 1 });
      } finally {
        for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        await cleanup();
      }
    },
    60_000,
  );
});

describe("--wait without an inventory", () => {
  it("is exit 3 before anything is asked or sent", async () => {
    const env = baseEnv({
      TRTC_SDK_APP_ID: String(APP),
      TENCENTCLOUD_SECRET_ID: DEFAULT_SECRET_ID,
      TENCENTCLOUD_SECRET_KEY: DEFAULT_SECRET_KEY,
      TRTC_ENDPOINT: "http://127.0.0.1:9",
    });
    const r = await run(["kick", "1234", "alice", "--wait", "--yes"], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("--wait needs the room inventory");
  });
});
