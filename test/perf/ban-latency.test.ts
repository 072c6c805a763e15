import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { latencies, Relay, until } from "../bans/relay.js";
import { receiverEnv } from "../bans/serve.js";
import { control } from "../emulator/control-client.js";
import { BIN, baseEnv, emulator, emulatorEnv, seedApp } from "../helpers/cli.js";
import { run } from "../helpers/inproc.js";
import { APP, KEY, STORES } from "../inventory/helpers.js";

const ENFORCEMENTS = 21;

describe("ban enforcement latency", () => {
  it(`kicks a banned user within 100 ms of their 103 reaching events serve, at the median of ${ENFORCEMENTS}, under the rate limit`, async () => {
    const { url: inventory, cleanup } = await STORES[0]!.fresh();
    const relay = await new Relay().start();
    const emu = await emulator({ seed: seedApp(), callbackUrl: relay.url, callbackKey: KEY });
    // The receiver as deployed, in its own process; the emulator and the relay that times arrivals are in this one.
    const env = baseEnv(receiverEnv(emu, inventory));
    const child = spawn(process.execPath, [BIN, "events", "serve", "--port", "0", "--output", "ndjson"], { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    relay.target = await new Promise<string>((resolve, reject) => {
      child.stderr.setEncoding("utf8").on("data", (d: string) => {
        stderr += d;
        const found = / on (http:\/\/\S+)/.exec(stderr)?.[1];
        if (found) resolve(found);
      });
      child.on("exit", () => reject(new Error(stderr)));
    });
    try {
      expect(
        (await run(["ban", "4321", "troll", "--for", "1h", "--yes", "--ignore-missing"], { env: emulatorEnv(emu, { TRTC_INVENTORY: inventory }) })).code,
      ).toBe(0);
      const banned = Date.now();
      // A client that comes straight back 100 ms after each kick: about 9 kicks a second, under the default --rate 20.
      await control(emu, "POST", "clients", { sdkAppId: APP, roomId: 4321, userId: "troll", action: "enter", rejoinAfterKickMs: 100 });
      const removes = () => emu.requests.filter((q) => q.action === "RemoveUser").map((q) => ({ at: Date.parse(q.time), userId: (q.userIds as string[])[0]! }));
      await until(() => removes().filter((r) => r.at >= banned).length >= ENFORCEMENTS, `${ENFORCEMENTS} enforcements`, 30_000);
      await control(emu, "POST", "clients", { sdkAppId: APP, roomId: 4321, userId: "troll", action: "enter" }).catch(() => undefined);
      const ms = latencies(
        relay.seen.filter((s) => s.at >= banned),
        removes(),
        "troll",
      )
        .slice(0, ENFORCEMENTS)
        .sort((a, b) => a - b);
      const median = ms[Math.floor(ms.length / 2)]!;
      const p95 = ms[Math.ceil(ms.length * 0.95) - 1]!;
      console.log(
        `ban enforcement: 103 at the receiver → RemoveUser at the emulator, ${ms.length} kicks: median ${median} ms, p95 ${p95} ms, max ${ms.at(-1)} ms`,
      );
      expect(ms.length).toBe(ENFORCEMENTS);
      expect(emu.requests.filter((q) => Date.parse(q.time) >= banned).every((q) => q.code === null)).toBe(true);
      expect(median).toBeLessThan(100);
    } finally {
      const exited = new Promise((resolve) => child.on("close", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      await emu.close();
      await relay.close();
      await cleanup();
    }
  });
});
