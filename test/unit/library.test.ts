import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.js";
import { DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY } from "../../src/emulator/server.js";
import { dismiss, kick, plan, UsageError } from "../../src/index.js";
import { APP, emulator, seedApp } from "../helpers/cli.js";

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const credential = { secretId: DEFAULT_SECRET_ID, secretKey: DEFAULT_SECRET_KEY };

describe("the library", () => {
  it.each([[-5], [1.5], [Number.NaN], [0], [2 ** 60], ["12a"]])("sdkAppId %j is refused as the CLI refuses it: UsageError, nothing sent", async (sdkAppId) => {
    emu = await emulator({ seed: seedApp({ "1": ["u"] }) });
    const options = { sdkAppId: sdkAppId as number, endpoint: emu.url, credential };
    await expect(plan("dismiss", { rooms: [1] }, options)).rejects.toThrow(/invalid SdkAppId .* from options\.sdkAppId: must be a positive integer/);
    const err = await dismiss([1], options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err).toMatchObject({ name: "UsageError", code: "UsageError", exitCode: 2 });
    expect(emu.requests).toHaveLength(0);
  });

  it("sends with the CLI's engine: a kick reaches the emulator", async () => {
    emu = await emulator({ seed: seedApp({ "1234": ["alice", "bob"] }) });
    const report = await kick(1234, ["alice"], { sdkAppId: APP, endpoint: emu.url, credential });
    expect(report).toMatchObject({ ok: true, exitCode: 0, summary: { total: 1, done: 1 } });
    expect(emu.requests.map((q) => [q.action, q.roomId, q.userIds])).toEqual([["RemoveUser", 1234, ["alice"]]]);
  });

  it.each([[-1], [Number.NaN], [1.5], [1e21], [0], [{}], [null], [[1]]])(
    "a room of %j is refused before anything is sent: UsageError, never a string room",
    async (room) => {
      emu = await emulator({ seed: seedApp({ "1": ["u"] }) });
      const options = { sdkAppId: APP, endpoint: emu.url, credential };
      const kicked = await kick(room as number, ["u"], options).catch((e: unknown) => e);
      expect(kicked).toBeInstanceOf(UsageError);
      expect(await dismiss([room as number], options).catch((e: unknown) => e)).toBeInstanceOf(UsageError);
      expect(emu.requests).toHaveLength(0);
    },
  );

  it("user ids that are not strings, or a target that is not an array, are UsageError, never a TypeError", async () => {
    emu = await emulator({ seed: seedApp({ "1": ["u"] }) });
    const options = { sdkAppId: APP, endpoint: emu.url, credential };
    for (const users of [[7], "alice", undefined, [{}]]) {
      const err = await kick(1, users as string[], options).catch((e: unknown) => e);
      expect(err, JSON.stringify(users)).toBeInstanceOf(UsageError);
    }
    expect(await dismiss("1" as unknown as string[], options).catch((e: unknown) => e)).toBeInstanceOf(UsageError);
    expect(emu.requests).toHaveLength(0);
  });

  it("an exception in onResult stops new requests and rejects the call with it; nothing is left unhandled", async () => {
    emu = await emulator({ seed: seedApp(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [String(i + 1), ["u"]]))) });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const boom = new Error("boom");
      let seen = 0;
      const rooms = Array.from({ length: 40 }, (_, i) => i + 1);
      const err = await dismiss(rooms, {
        sdkAppId: APP,
        endpoint: emu.url,
        credential,
        concurrency: 1,
        onResult: () => {
          if (++seen === 2) throw boom;
        },
      }).catch((e: unknown) => e);
      expect(err).toBe(boom);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      expect(emu.requests.length).toBeGreaterThanOrEqual(2);
      expect(emu.requests.length).toBeLessThan(10);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
