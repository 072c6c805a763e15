import { afterEach, beforeEach } from "vitest";
import type { Emulator } from "../../src/emulator/server.js";
import { openStore } from "../../src/store/open.js";
import { emulator, emulatorEnv, run, seedApp } from "../helpers/inproc.js";
import { STORES } from "../inventory/helpers.js";
import { event } from "../inventory/store-events.js";

type Env = Record<string, string | undefined>;

/** A fresh emulator (rooms 1234, 3002 and string rooms standup, "3002") and embedded inventory per test, and the CLI pointed at both. */
export function banFixture() {
  const f = { emu: undefined as unknown as Emulator, inventory: "", cleanup: async (): Promise<void> => {} };
  beforeEach(async () => {
    const fresh = await STORES[0]!.fresh();
    f.inventory = fresh.url;
    f.cleanup = fresh.cleanup;
    // The store exists (read commands never create one), and has never received a callback.
    await (await openStore(f.inventory)).close();
    f.emu = await emulator({ seed: seedApp({ "1234": ["troll", "imp", "ok"], "3002": ["troll"] }, { standup: ["troll"], "3002": ["troll"] }) });
  });
  afterEach(async () => {
    await f.emu.close();
    await f.cleanup();
  });
  const cli = (args: string[], extra: Env = {}) => run(args, { env: emulatorEnv(f.emu, { TRTC_INVENTORY: f.inventory, ...extra }) });
  return {
    get emu() {
      return f.emu;
    },
    get inventory() {
      return f.inventory;
    },
    cli,
    sent: () => f.emu.requests.map((q) => ({ action: q.action, roomId: q.roomId, userIds: q.userIds })),
    members: () => f.emu.store.snapshot().apps[0]!,
    /** Makes the inventory one that has received a callback (a user in a room no test kicks from). */
    feed: async () => {
      const store = await openStore(f.inventory);
      await store.append([event(103, 777, Date.now() - 60_000, "bystander")]);
      await store.close();
    },
    bans: async (...args: string[]) => JSON.parse((await cli(["bans", "list", "--json", ...args])).stdout).bans,
  };
}
