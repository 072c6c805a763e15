import { afterAll, afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/commands/program.js";
import type { Emulator } from "../../src/emulator/server.js";
import { openStore } from "../../src/store/open.js";
import { apiRequests, emulator, emulatorEnv, runIn, seedApp } from "../helpers/inproc.js";
import { onTerminal } from "../helpers/terminal.js";
import { APP, fakeIo, KEY, notePostgresSkipped, STORES, tempDir } from "./helpers.js";
import { event } from "./store-events.js";

const T = Date.now() - 60_000;
const USERS = Array.from({ length: 12 }, (_, i) => `u${String(i + 1).padStart(2, "0")}`);

notePostgresSkipped();

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

describe.each(STORES.filter((s) => !s.skip))("kick --all-members on the $name store", (factory) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  /** Room 1234: twelve members, one whose id the API would refuse, one who left; room 99 live and empty. */
  async function setup() {
    const { url, cleanup } = await factory.fresh();
    cleanups.push(cleanup);
    const store = await openStore(url);
    await store.append([
      ...USERS.map((u, i) => event(103, 1234, T + i, u)),
      event(103, 1234, T + 20, "bad id!"),
      event(103, 1234, T + 21, "gone"),
      event(104, 1234, T + 22, "gone", null),
      event(101, 99, T),
    ]);
    await store.close();
    emu = await emulator({ seed: seedApp({ "1234": USERS, "99": [] }) });
    return emulatorEnv(emu, { TRTC_INVENTORY: url });
  }

  it("kicks every member the inventory shows, 10 a request, skipping an id the API would refuse with a warning", async () => {
    const env = await setup();
    const r = await runIn(["kick", "1234", "--all-members", "--yes", "--json"], { env });
    expect(r.code).toBe(0);
    expect(apiRequests(emu!).map((q) => [q.action, q.roomId, q.userIds])).toEqual([
      ["RemoveUser", 1234, USERS.slice(0, 10)],
      ["RemoveUser", 1234, USERS.slice(10)],
    ]);
    expect(JSON.parse(r.stdout).summary).toMatchObject({ total: 2, done: 2 });
    expect(r.stderr).toContain('skipped 1 member whose user id the API would refuse: "bad id!"');
  });

  it("--dry-run plans the batches and sends nothing; an empty room sends nothing, exit 0, and needs no --yes", async () => {
    const env = await setup();
    const dry = await runIn(["kick", "1234", "--all-members", "--dry-run", "--json"], { env });
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).results.map((x: { userIds: string[] }) => x.userIds.length)).toEqual([10, 2]);
    const empty = await runIn(["kick", "99", "--all-members"], { env });
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain("the inventory shows no member in the room: nothing to kick");
    const unknown = await runIn(["kick", "4321", "--all-members", "--yes"], { env });
    expect(unknown.code).toBe(0);
    expect(apiRequests(emu!)).toEqual([]);
  });

  it("without --yes and no terminal, a room with members is exit 2, nothing sent", async () => {
    const env = await setup();
    const r = await runIn(["kick", "1234", "--all-members"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--yes is required when not running interactively");
    expect(apiRequests(emu!)).toEqual([]);
  });
});

describe.each(STORES.filter((s) => !s.skip))("kick --all-members --wait through events serve on the $name store", (factory) => {
  it("every member the receiver saw enter is kicked, and each kick is verified by TRTC's 104 (kicked)", async () => {
    const { url, cleanup } = await factory.fresh();
    try {
      const receiver = fakeIo({ TRTC_SDK_APP_ID: String(APP), TRTC_CALLBACK_KEY: KEY, TRTC_INVENTORY: url });
      const serving = main(["events", "serve", "--port", "0", "--output", "ndjson"], receiver.io);
      stopReceiver = () => (receiver.abort.abort(), serving);
      await until(() => / on (http:\/\/\S+)/.test(receiver.stderr()), "the receiver");
      emu = await emulator({ seed: seedApp(), callbackUrl: / on (http:\/\/\S+)/.exec(receiver.stderr())![1]!, callbackKey: KEY });
      for (const userId of ["alice", "bob"]) {
        const body = JSON.stringify({ sdkAppId: APP, roomId: 4321, userId, action: "enter" });
        const r = await fetch(`${emu.url}/_emulator/clients`, { method: "POST", headers: { "Content-Type": "application/json" }, body });
        expect(r.status).toBe(200);
      }
      const env = emulatorEnv(emu, { TRTC_INVENTORY: url });
      await until(async () => {
        const listed = await runIn(["rooms", "list", "--member", "bob", "--json"], { env });
        return listed.code === 0 && JSON.parse(listed.stdout).rooms.length === 1;
      }, "bob in the inventory");
      const r = await runIn(["kick", "4321", "--all-members", "--wait", "10s", "--yes", "--json"], { env });
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.results).toMatchObject([{ action: "RemoveUser", roomId: 4321, userIds: ["alice", "bob"], status: "done", verified: true }]);
      expect(doc.summary).toMatchObject({ done: 1, unverified: 0 });
    } finally {
      await stopReceiver?.();
      stopReceiver = undefined;
      await cleanup();
    }
  });
});

describe("kick --all-members on a terminal", () => {
  it("previews the members, 10 a request, in the confirmation; no sends nothing", async () => {
    const { url, cleanup } = await STORES[0]!.fresh();
    const store = await openStore(url);
    await store.append(USERS.map((u, i) => event(103, 1234, T + i, u)));
    await store.close();
    emu = await emulator({ seed: seedApp({ "1234": USERS }) });
    const { code, screen } = await onTerminal(["kick", "1234", "--all-members"], emulatorEnv(emu, { TRTC_INVENTORY: url }), "n\r", /\[y\/N\]/, 200);
    expect(screen).toContain(`RemoveUser room 1234: ${USERS.slice(0, 10).join(", ")}`);
    expect(screen).toContain(`RemoveUser room 1234: ${USERS.slice(10).join(", ")}`);
    expect(screen).toMatch(/Kick these users\? \[y\/N\]/);
    expect(code).toBe(2);
    expect(emu.requests).toEqual([]);
    await cleanup();
  });
});

describe("kick --all-members usage", () => {
  it("with user ids or --from-file is exit 2; without an inventory, or one that never received a callback, exit 3", async () => {
    emu = await emulator({ seed: seedApp({ "1234": ["alice"] }) });
    const env = emulatorEnv(emu);
    for (const extra of [["alice"], ["--from-file", "users.txt"]]) {
      const r = await runIn(["kick", "1234", "--all-members", ...extra, "--yes"], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("--all-members takes no user ids");
    }
    const roomless = await runIn(["kick", "--all-members", "--yes"], { env });
    expect(roomless.code).toBe(2);
    expect(roomless.stderr).toContain("no room given");
    const missing = `file:${tempDir()}/none.db`;
    const none = await runIn(["kick", "1234", "--all-members", "--yes"], { env: { ...env, TRTC_INVENTORY: missing } });
    expect(none.code).toBe(3);
    expect(none.stderr).toContain("does not exist");
    const { url, cleanup } = await STORES[0]!.fresh();
    await (await openStore(url)).close();
    const blind = await runIn(["kick", "1234", "--all-members", "--yes"], { env: { ...env, TRTC_INVENTORY: url } });
    expect(blind.code).toBe(3);
    expect(blind.stderr).toContain("has never received a callback");
    expect(apiRequests(emu)).toEqual([]);
    await cleanup();
  });
});
