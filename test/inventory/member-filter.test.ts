import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/commands/program.js";
import { openStore } from "../../src/store/open.js";
import { APP, fakeIo, notePostgresSkipped, STORES } from "./helpers.js";
import { event } from "./store-events.js";

const T = Date.now() - 3_600_000;
const min = 60_000;

notePostgresSkipped();

describe.each(STORES.filter((s) => !s.skip))("rooms list --member on the $name store", (factory) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  /** alice is in 1234, string "1234" and ci-a; she left 5678 and was in "gone" until it closed; bob is in ci-b. */
  async function seeded(): Promise<Record<string, string>> {
    const { url, cleanup } = await factory.fresh();
    cleanups.push(cleanup);
    const store = await openStore(url);
    await store.append([
      event(103, 1234, T, "alice"),
      event(103, 1234, T + 1, "bob", "audience"),
      event(103, "1234", T, "alice"),
      event(103, "ci-a", T - 90 * min, "alice"),
      event(103, "ci-b", T, "bob"),
      event(103, 5678, T, "alice"),
      event(104, 5678, T + 2, "alice", null),
      event(103, 5678, T + 3, "carol"),
      event(103, "gone", T, "alice"),
      event(102, "gone", T + 5),
      event(103, 99, T, "alice2"),
    ]);
    await store.close();
    return { TRTC_SDK_APP_ID: String(APP), TRTC_INVENTORY: url };
  }

  async function run(env: Record<string, string>, args: string[]) {
    const io = fakeIo(env);
    const code = await main(args, io.io);
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  }

  const ids = (stdout: string) => JSON.parse(stdout).rooms.map((r: { roomId: unknown }) => r.roomId);

  it("keeps exactly the rooms the user is in now: not rooms they left, not closed ones, not similar ids", async () => {
    const env = await seeded();
    const got = await run(env, ["rooms", "list", "--member", "alice", "--json"]);
    expect(got.code).toBe(0);
    expect(ids(got.stdout)).toEqual([1234, "1234", "ci-a"]);
    // Members are still listed in full: the filter selects rooms, not members.
    expect(JSON.parse(got.stdout).rooms[0].members.map((m: { userId: string }) => m.userId)).toEqual(["alice", "bob"]);
    expect(ids((await run(env, ["rooms", "list", "--member", "alice", "--all", "--json"])).stdout)).toEqual([1234, "1234", "ci-a"]);
    expect(ids((await run(env, ["rooms", "list", "--member", "nobody", "--json"])).stdout)).toEqual([]);
  });

  it("combines with the other filters (AND)", async () => {
    const env = await seeded();
    expect(ids((await run(env, ["rooms", "list", "--member", "alice", "--match", "ci-*", "--json"])).stdout)).toEqual(["ci-a"]);
    expect(ids((await run(env, ["rooms", "list", "--member", "alice", "--older-than", "80m", "--json"])).stdout)).toEqual(["ci-a"]);
    expect(ids((await run(env, ["rooms", "list", "--member", "bob", "--match", "1*", "--json"])).stdout)).toEqual([1234]);
    expect(ids((await run(env, ["rooms", "list", "--member", "bob", "--empty", "--json"])).stdout)).toEqual([]);
  });

  it("dismiss --live --member plans exactly the rooms rooms list --member shows", async () => {
    const env = await seeded();
    const got = await run(env, ["dismiss", "--live", "--member", "alice", "--match", "*4", "--dry-run", "--json"]);
    expect(got.code).toBe(0);
    const planned = JSON.parse(got.stdout).results.map((r: { action: string; roomId: unknown }) => [r.action, r.roomId]);
    expect(planned.map(([, roomId]: [string, unknown]) => roomId)).toEqual(
      ids((await run(env, ["rooms", "list", "--member", "alice", "--match", "*4", "--json"])).stdout),
    );
    expect(planned).toEqual([
      ["DismissRoom", 1234],
      ["DismissRoomByStrRoomId", "1234"],
    ]);
  });
});

describe("--member usage", () => {
  it("an id with surrounding whitespace or empty is exit 2 before any config is read; without --live, dismiss refuses it", async () => {
    for (const member of [" alice", ""]) {
      const got = fakeIo();
      expect(await main(["rooms", "list", "--member", member], got.io)).toBe(2);
      expect(got.stderr()).toMatch(/--member .* is empty or has leading or trailing whitespace/);
    }
    const dismiss = fakeIo();
    expect(await main(["dismiss", "1234", "--member", "alice", "--yes"], dismiss.io)).toBe(2);
    expect(dismiss.stderr()).toContain("they need --live");
  });
});
