import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startBanEnforcement } from "../../src/commands/ban-enforcement.js";
import type { Context } from "../../src/commands/context.js";
import { resolveSettings } from "../../src/config/resolve.js";
import type { Emulator } from "../../src/emulator/server.js";
import { createTerminal } from "../../src/output/terminal.js";
import { openStore } from "../../src/store/open.js";
import type { InventoryStore } from "../../src/store/types.js";
import { APP, emulator, emulatorEnv, seedApp } from "../helpers/inproc.js";
import { fakeIo, STORES } from "../inventory/helpers.js";
import { event } from "../inventory/store-events.js";

const T = Date.parse("2026-11-20T10:00:00.000Z");
let emu: Emulator;
let store: InventoryStore;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  const fresh = await STORES[0]!.fresh();
  cleanup = fresh.cleanup;
  store = await openStore(fresh.url);
  emu = await emulator({ seed: seedApp({ "1234": ["troll"] }) });
});
afterEach(async () => {
  await store.close();
  await emu.close();
  await cleanup();
});

/** The enforcement as `events serve` runs it, on a clock the test sets. */
function enforcement(clock: { now: number }) {
  const env = emulatorEnv(emu) as Record<string, string>;
  const run = fakeIo(env);
  const ctx: Context = {
    io: run.io,
    term: createTerminal(run.io, run.io.env, true),
    flags: {},
    run: { format: "ndjson", quiet: false, debug: false, timeoutMs: 10_000, maxAttempts: 3, concurrency: 8, rate: 20 },
  };
  return { bans: startBanEnforcement(ctx, resolveSettings(undefined, {}, run.io.env), store, () => clock.now), stdout: run.stdout };
}

describe("ban expiry, on an injected clock", () => {
  it("a 10 s ban is enforced at 9.999 s and not at 10 s, with no waiting", async () => {
    await store.addBans([{ sdkAppId: APP, room: { roomIdType: "numeric", roomId: 1234 }, userId: "troll", reason: null, untilMs: T + 10_000 }], T);
    const expired = enforcement({ now: T + 10_000 });
    expired.bans.stored(event(103, 1234, T + 9_000, "troll"));
    await expired.bans.close(false);
    expect(emu.requests).toEqual([]);
    expect(expired.stdout()).toBe("");
    const active = enforcement({ now: T + 9_999 });
    active.bans.stored(event(103, 1234, T + 9_500, "troll"));
    await active.bans.close(false);
    expect(emu.requests.map((q) => q.userIds)).toEqual([["troll"]]);
    expect(JSON.parse(active.stdout())).toMatchObject({ action: "RemoveUser", status: "done", cause: "ban-enforced" });
  });

  it("only 103s are checked: a 104 or 105 of a banned user sends nothing", async () => {
    await store.addBans([{ sdkAppId: APP, room: null, userId: "troll", reason: null, untilMs: T + 60_000 }], T);
    const { bans } = enforcement({ now: T });
    bans.stored(event(104, 1234, T, "troll"));
    bans.stored(event(105, 1234, T, "troll"));
    bans.stored(event(101, 1234, T, "troll"));
    await bans.close(false);
    expect(emu.requests).toEqual([]);
  });
});
