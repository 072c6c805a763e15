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
});
