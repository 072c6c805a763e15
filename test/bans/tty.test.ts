import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.js";
import { openStore } from "../../src/store/open.js";
import { APP, emulator, emulatorEnv, seedApp } from "../helpers/cli.js";
import { onTerminal } from "../helpers/terminal.js";
import { STORES } from "../inventory/helpers.js";

let emu: Emulator;
let inventory: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ url: inventory, cleanup } = await STORES[0]!.fresh());
  emu = await emulator({ seed: seedApp({ "1234": ["troll"] }) });
});
afterEach(async () => {
  await emu.close();
  await cleanup();
});

/** `ban` on a pseudo-terminal, answering the prompt with `keys`. */
function banOnTerminal(keys: string): Promise<{ code: number | null; screen: string }> {
  return onTerminal(["ban", "1234", "troll", "--for", "2h"], emulatorEnv(emu, { TRTC_INVENTORY: inventory }), keys, 800);
}

const bans = async () => {
  const store = await openStore(inventory);
  const list = await store.listBans(APP, {});
  await store.close();
  return list;
};

describe("ban on a terminal", () => {
  it("asks first, naming the ban and the kick; No stores and sends nothing (exit 2)", async () => {
    const { code, screen } = await banOnTerminal("n\r");
    expect(screen).toMatch(/About to ban troll from room 1234 of SdkAppId 1400000001 until \d{4}-\d\d-\d\dT/);
    expect(screen).toMatch(/RemoveUser room 1234: troll/);
    expect(screen).toMatch(/Ban these users\? \[y\/N\]/);
    expect(screen).toContain("cancelled: nothing was stored or sent");
    expect(code).toBe(2);
    expect(emu.requests).toHaveLength(0);
    expect(await bans()).toEqual([]);
  });

  it("yes stores the ban, then kicks without asking again", async () => {
    const { code, screen } = await banOnTerminal("y\r");
    expect(code).toBe(0);
    expect(screen.match(/\[y\/N\]/g)).toHaveLength(1);
    expect(emu.requests).toMatchObject([{ action: "RemoveUser", roomId: 1234, userIds: ["troll"] }]);
    expect((await bans()).map((b) => b.userId)).toEqual(["troll"]);
  });
});
