import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../src/commands/program.js";
import { openStore } from "../../src/store/open.js";
import { emulator, emulatorEnv, seedApp } from "../helpers/inproc.js";
import { APP, fakeIo, rawSql, STORES } from "./helpers.js";
import { event } from "./store-events.js";

const T = Date.now();
const min = 60_000;
const HOUR = 60 * min;

/** When seeded()'s callbacks arrive (a fake clock): coverage is arrival time, not event time. */
const SEEDED_AT = T - 2 * HOUR;

async function seeded(): Promise<string> {
  const { url } = await STORES[0]!.fresh();
  const store = await openStore(url);
  vi.useFakeTimers({ toFake: ["Date"], now: SEEDED_AT });
  await store.append([
    event(103, 1234, T - 90 * min, "alice"),
    event(103, 1234, T - 80 * min, "bob", "audience"),
    event(103, "ci-7-a", T - 3 * min, "carol"),
    event(101, "ci-7-b", T - 200 * min),
    event(103, "done", T - 10 * min, "dave"),
    event(102, "done", T - 5 * min),
  ]);
  vi.useRealTimers();
  await store.close();
  return url;
}

async function cli(args: string[], env: Record<string, string> = {}) {
  const run = fakeIo({ TRTC_SDK_APP_ID: String(APP), ...env });
  const code = await main(args, run.io);
  return { code, stdout: run.stdout(), stderr: run.stderr(), home: run.home };
}

describe("rooms list", () => {
  it("json: {ok, coverage, rooms, summary}; live rooms only, numeric first; coverage is when callbacks arrived", async () => {
    const url = await seeded();
    const { code, stdout } = await cli(["rooms", "list", "--json", "--inventory", url]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(Object.keys(doc)).toEqual(["ok", "coverage", "rooms", "summary"]);
    expect(doc.coverage).toEqual({ since: new Date(SEEDED_AT).toISOString(), lastEventAt: new Date(SEEDED_AT).toISOString() });
    expect(doc.ok).toBe(true);
    expect(doc.summary).toEqual({ count: 3 });
    expect(doc.rooms.map((r: { roomId: unknown }) => r.roomId)).toEqual([1234, "ci-7-a", "ci-7-b"]);
    expect(doc.rooms[0]).toEqual({
      sdkAppId: APP,
      roomId: 1234,
      roomIdType: "numeric",
      live: true,
      createdAt: new Date(T - 90 * min).toISOString(),
      lastEventAt: new Date(T - 80 * min).toISOString(),
      closedAt: null,
      members: [
        { userId: "alice", role: "anchor", since: new Date(T - 90 * min).toISOString() },
        { userId: "bob", role: "audience", since: new Date(T - 80 * min).toISOString() },
      ],
    });
  });

  it("ndjson: one Room a line, then the summary; filters combine", async () => {
    const url = await seeded();
    const { code, stdout } = await cli(["rooms", "list", "-o", "ndjson", "--match", "ci-*", "--older-than", "1h"], { TRTC_INVENTORY: url });
    expect(code).toBe(0);
    const lines = stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    const coverage = { since: new Date(SEEDED_AT).toISOString(), lastEventAt: new Date(SEEDED_AT).toISOString() };
    expect(lines.map((l) => l.roomId ?? l)).toEqual(["ci-7-b", { summary: { count: 1 }, coverage }]);
  });

  it("--all shows closed rooms; --empty and --idle-for filter", async () => {
    const url = await seeded();
    const ids = async (...args: string[]) =>
      (await cli(["rooms", "list", "-o", "ndjson", "--inventory", url, ...args])).stdout
        .trimEnd()
        .split("\n")
        .slice(0, -1)
        .map((l) => JSON.parse(l).roomId);
    expect(await ids("--all")).toEqual([1234, "ci-7-a", "ci-7-b", "done"]);
    expect(await ids("--empty")).toEqual(["ci-7-b"]);
    expect(await ids("--idle-for", "30m")).toEqual([1234, "ci-7-b"]);
  });

  it("pretty: a table, a count and the coverage on stdout", async () => {
    const url = await seeded();
    const { code, stdout } = await cli(["rooms", "list", "--inventory", url]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ROOM +TYPE +STATE +CREATED \(UTC\) +LAST EVENT \(UTC\) +MEMBERS$/);
    expect(lines[1]).toMatch(/^1234 +numeric +live +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +.* 2 \(alice, bob\)$/);
    expect(lines[2]).toMatch(/^"ci-7-a" +string +live /);
    expect(lines.at(-2)).toBe("3 live rooms");
    const at = new Date(SEEDED_AT).toISOString();
    expect(lines.at(-1)).toBe(`callbacks received since ${at} (latest ${at}): rooms and members from before are unknown`);
  });

  it("an inventory that never received a callback says so: coverage null in json and ndjson, a line in pretty", async () => {
    const { url } = await STORES[0]!.fresh();
    await (await openStore(url)).close();
    const doc = JSON.parse((await cli(["rooms", "list", "--json", "--inventory", url])).stdout);
    expect(doc).toEqual({ ok: true, coverage: { since: null, lastEventAt: null }, rooms: [], summary: { count: 0 } });
    const nd = (await cli(["rooms", "list", "-o", "ndjson", "--inventory", url])).stdout;
    expect(nd).toBe(`${JSON.stringify({ summary: { count: 0 }, coverage: { since: null, lastEventAt: null } })}\n`);
    const pretty = (await cli(["rooms", "list", "--inventory", url])).stdout;
    expect(pretty).toBe(`0 live rooms\nthe inventory has never received a callback for SdkAppId ${APP}: it knows no room\n`);
  });

  it("coverage counts callbacks only: trtc-admin's own dismissals do not make an inventory covered", async () => {
    const { url } = await STORES[0]!.fresh();
    const store = await openStore(url);
    await store.closeRooms(APP, [{ room: { roomIdType: "numeric", roomId: 5 }, atMs: T }]);
    await store.close();
    expect(JSON.parse((await cli(["rooms", "list", "--all", "--json", "--inventory", url])).stdout).coverage).toEqual({ since: null, lastEventAt: null });
  });

  it("coverage: since is the first callback's arrival, lastEventAt the latest's", async () => {
    const { url } = await STORES[0]!.fresh();
    const store = await openStore(url);
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(T - 3 * HOUR);
      await store.append([event(103, 1, T - 10 * HOUR, "a")]);
      vi.setSystemTime(T - HOUR);
      await store.append([event(103, 2, T - 20 * HOUR, "b")]);
    } finally {
      vi.useRealTimers();
      await store.close();
    }
    const doc = JSON.parse((await cli(["rooms", "list", "--json", "--inventory", url])).stdout);
    expect(doc.coverage).toEqual({ since: new Date(T - 3 * HOUR).toISOString(), lastEventAt: new Date(T - HOUR).toISOString() });
  });

  it("streams in pages without losing order: numeric rooms by number (9 before 10), then string rooms, across page boundaries; --match applies in every page", async () => {
    const { url } = await STORES[0]!.fresh();
    const store = await openStore(url);
    const ids: (number | string)[] = [];
    for (let i = 1; i <= 2500; i++) ids.push(i);
    for (let i = 0; i < 2500; i++) ids.push(`s-${String(i).padStart(4, "0")}`);
    for (let i = 0; i < ids.length; i += 1000) await store.append(ids.slice(i, i + 1000).map((id, k) => event(103, id, T - 1000 + k, `u${i + k}`)));
    await store.close();
    const listed = (args: string[]) =>
      cli(["rooms", "list", "-o", "ndjson", "--inventory", url, ...args]).then((r) =>
        r.stdout
          .trimEnd()
          .split("\n")
          .slice(0, -1)
          .map((l) => JSON.parse(l)),
      );
    const all = await listed([]);
    expect(all.map((r) => r.roomId)).toEqual(ids);
    expect(all.every((r) => r.members.length === 1 && r.members[0].userId === `u${ids.indexOf(r.roomId)}`)).toBe(true);
    expect((await listed(["--match", "*99"])).map((r) => r.roomId)).toEqual([99, ...ids.filter((id) => /99$/.test(String(id)) && id !== 99)]);
  });

  it.each([
    [["--idle-for", "2w"], /invalid --idle-for "2w"/],
    [["--older-than", "1.5h"], /invalid --older-than "1.5h"/],
    [["--live", "--all"], /--live and --all/],
  ])("%j is a usage error (exit 2), before any configuration is needed", async (args, message) => {
    const run = fakeIo();
    const code = await main(["rooms", "list", ...args], run.io);
    expect(code).toBe(2);
    expect(run.stderr()).toMatch(message);
  });

  it("without an SdkAppId, or with a store that cannot be opened: exit 3", async () => {
    const run = fakeIo();
    expect(await main(["rooms", "list"], run.io)).toBe(3);
    expect(run.stderr()).toMatch(/no SdkAppId/);
    const bad = await cli(["rooms", "list", "--json", "--inventory", "postgres://u:hunter2@127.0.0.1:1/x"]);
    expect(bad.code).toBe(3);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, error: { code: "ConfigError" } });
    expect(bad.stdout + bad.stderr).not.toContain("hunter2");
  });

  it("--inventory beats TRTC_INVENTORY, which beats the profile's inventory", async () => {
    const [a, b, c] = [await seeded(), (await STORES[0]!.fresh()).url, (await STORES[0]!.fresh()).url];
    for (const empty of [b, c]) await (await openStore(empty)).close();
    const run = fakeIo({ TRTC_SDK_APP_ID: String(APP) });
    writeFileSync(join(run.home, ".trtcrc"), `inventory: ${c.slice(5)}\n`);
    const count = async (args: string[], env: Record<string, string> = {}) => {
      const r = fakeIo({ TRTC_SDK_APP_ID: String(APP), ...env });
      r.io.cwd = run.home;
      expect(await main(["rooms", "list", "--json", ...args], r.io)).toBe(0);
      return JSON.parse(r.stdout()).summary.count;
    };
    expect(await count(["--inventory", a], { TRTC_INVENTORY: b })).toBe(3);
    expect(await count([], { TRTC_INVENTORY: a })).toBe(3);
    expect(await count([], {})).toBe(0);
    expect(await count(["--inventory", b])).toBe(0);
  });
});

describe("rooms show", () => {
  it("json {ok, room, coverage}; the JSON type of the id decides the room", async () => {
    const url = await seeded();
    const numeric = await cli(["rooms", "show", "1234", "--json", "--inventory", url]);
    expect(numeric.code).toBe(0);
    const at = new Date(SEEDED_AT).toISOString();
    expect(JSON.parse(numeric.stdout)).toMatchObject({
      ok: true,
      room: { roomId: 1234, roomIdType: "numeric", live: true },
      coverage: { since: at, lastEventAt: at },
    });
    const nd = await cli(["rooms", "show", "1234", "-o", "ndjson", "--inventory", url]);
    expect(JSON.parse(nd.stdout).coverage).toEqual({ since: at, lastEventAt: at });
    const str = await cli(["rooms", "show", "--str-room", "1234", "--json", "--inventory", url]);
    expect(str.code).toBe(1);
    expect(JSON.parse(str.stdout)).toMatchObject({ ok: false, error: { code: "RoomNotFound" } });
  });

  it("pretty: the room and its members", async () => {
    const url = await seeded();
    const { code, stdout } = await cli(["rooms", "show", "ci-7-a", "--inventory", url]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^room +"ci-7-a" \(string\)\nstate +live\n/);
    expect(stdout).toMatch(/\n {2}carol {2}anchor {2}since \d{4}-/);
    const at = new Date(SEEDED_AT).toISOString();
    expect(stdout.trimEnd().split("\n").at(-1)).toBe(`callbacks received since ${at} (latest ${at}): rooms and members from before are unknown`);
  });

  it("never seen: exit 1; an invalid id: exit 2", async () => {
    const url = await seeded();
    expect((await cli(["rooms", "show", "999", "--inventory", url])).code).toBe(1);
    expect((await cli(["rooms", "show", "--numeric-room", "abc", "--inventory", url])).code).toBe(2);
    expect((await cli(["rooms", "show", "a\u0007b", "--inventory", url])).code).toBe(2);
  });
});

describe("a dismissal closes its rooms in the inventory, so a lost 102 heals", () => {
  async function dismissing(args: string[], inventory?: string) {
    const emu = await emulator({ seed: seedApp({ "1234": ["alice"] }, { "ci-7-a": ["carol"] }) });
    try {
      const env = emulatorEnv(emu) as Record<string, string>;
      const keys = ["TRTC_ENDPOINT", "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"] as const;
      const r = await cli(args, { ...Object.fromEntries(keys.map((k) => [k, env[k]!])), ...(inventory ? { TRTC_INVENTORY: inventory } : {}) });
      return { ...r, sent: emu.requests.map((q) => [q.action, q.roomId]) };
    } finally {
      await emu.close();
    }
  }
  const live = async (url: string) => {
    const store = await openStore(url);
    try {
      return (await store.listRooms(APP, { all: false })).map((r) => r.roomId);
    } finally {
      await store.close();
    }
  };

  it("dismiss <rooms>: done and already-gone rooms are closed, a failed one stays live", async () => {
    const url = await seeded();
    const r = await dismissing(["dismiss", "1234", "ci-7-a", "ci-7-b", "--yes", "--json"], url);
    expect(r.sent).toEqual([
      ["DismissRoom", 1234],
      ["DismissRoomByStrRoomId", "ci-7-a"],
      ["DismissRoomByStrRoomId", "ci-7-b"],
    ]);
    expect(r.code).toBe(1);
    expect(await live(url)).toEqual(["ci-7-b"]);
    const again = await dismissing(["dismiss-room-by-str-room-id", "ci-7-b", "never-seen", "--yes", "--ignore-missing"], url);
    expect(again.code).toBe(0);
    expect(await live(url)).toEqual([]);
    // A room the inventory never saw is not added by a dismissal.
    expect((await cli(["rooms", "show", "never-seen", "--inventory", url])).code).toBe(1);
  });

  it("dismiss --live without --yes, not interactive: no match is exit 0 and asks nothing; a match is exit 2, nothing sent", async () => {
    const url = await seeded();
    const none = await dismissing(["dismiss", "--live", "--match", "nothing-*"], url);
    expect([none.code, none.sent]).toEqual([0, []]);
    const some = await dismissing(["dismiss", "--live", "--match", "ci-*"], url);
    expect([some.code, some.sent]).toEqual([2, []]);
    expect(some.stderr).toMatch(/--yes is required when not running interactively/);
    expect(await live(url)).toEqual([1234, "ci-7-a", "ci-7-b"]);
  });

  it("dismiss --live on an inventory that never received a callback: exit 3 naming the store and TRTC_INVENTORY, nothing sent", async () => {
    const { url } = await STORES[0]!.fresh();
    const store = await openStore(url);
    // trtc-admin's own closes are not callbacks: still never fed.
    await store.closeRooms(APP, [{ room: { roomIdType: "numeric", roomId: 1234 }, atMs: T }]);
    await store.close();
    for (const extra of [["--yes"], ["--dry-run"]]) {
      const r = await dismissing(["dismiss", "--live", ...extra], url);
      expect([r.code, r.sent]).toEqual([3, []]);
      expect(r.stderr).toContain(`the inventory ${url} has never received a callback for SdkAppId ${APP}`);
      expect(r.stderr).toContain("TRTC_INVENTORY");
    }
  });

  it("dismiss --live without an inventory: exit 3 naming its path, nothing sent, no file created", async () => {
    const r = await dismissing(["dismiss", "--live", "--yes"]);
    expect([r.code, r.sent]).toEqual([3, []]);
    expect(r.stderr).toContain(`the inventory file:${r.home}/.state/trtc-admin/inventory.db does not exist`);
    expect(r.stderr).toContain("TRTC_INVENTORY");
    expect(existsSync(`${r.home}/.state/trtc-admin`)).toBe(false);
  });

  it("no inventory yet: none is created; one that cannot be opened: the dismissal still counts (exit 0), with a warning", async () => {
    const none = await dismissing(["dismiss", "1234", "--yes"]);
    expect(none.code).toBe(0);
    expect(existsSync(`${none.home}/.state/trtc-admin`)).toBe(false);
    const down = await dismissing(["dismiss", "1234", "--yes"], "postgres://trtc:hunter2@127.0.0.1:1/trtc");
    expect(down.sent).toEqual([["DismissRoom", 1234]]);
    expect(down.code).toBe(0);
    expect(down.stderr).toMatch(/the rooms were dismissed, but the inventory could not record it: cannot open the inventory postgres:\/\/127\.0\.0\.1:1\/trtc/);
    expect(down.stderr).not.toContain("hunter2");
  });
});

describe("commands that only read the inventory never create it", () => {
  it.each([[["rooms", "list"]], [["rooms", "show", "1234"]], [["bans", "list"]], [["bans", "export"]]])("%j: exit 3 naming the missing file", async (args) => {
    const { url } = await STORES[0]!.fresh();
    const r = await cli([...args, "--inventory", url]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`the inventory ${url} does not exist`);
    expect(existsSync(url.slice("file:".length))).toBe(false);
    const dflt = await cli(args);
    expect(dflt.code).toBe(3);
    expect(existsSync(`${dflt.home}/.state/trtc-admin`)).toBe(false);
  });
});

describe("commands that only read the inventory never give it tables", () => {
  const reads = [
    ["rooms", "list"],
    ["rooms", "show", "1234"],
    ["rooms", "history", "1234"],
    ["bans", "list"],
    ["bans", "export"],
    ["events", "prune", "--older-than", "1d", "--dry-run"],
  ];
  it.skipIf(STORES[1]!.skip)(
    "a PostgreSQL schema without the inventory's tables: every read exits 3 naming it, and doctor says none yet; no table is created",
    async () => {
      const { url, cleanup } = await STORES[1]!.fresh();
      const tables = async () => (await rawSql(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")).length;
      for (const args of reads) {
        const r = await cli([...args, "--inventory", url]);
        expect([args, r.code], r.stderr).toEqual([args, 3]);
        expect(r.stderr).toContain("has no tables: nothing was ever stored in it");
        expect(r.stderr).toContain("TRTC_INVENTORY");
      }
      const doctor = fakeIo({
        TRTC_SDK_APP_ID: String(APP),
        TENCENTCLOUD_SECRET_ID: "id",
        TENCENTCLOUD_SECRET_KEY: "key",
        TRTC_ENDPOINT: "http://127.0.0.1:1",
      });
      await main(["doctor", "--json", "--inventory", url], doctor.io);
      expect(doctor.stdout()).toContain("none yet");
      expect(await tables()).toBe(0);
      await cleanup();
    },
  );

  it("an empty file where the inventory should be: every read exits 3 and gives it no table", async () => {
    const { url, cleanup } = await STORES[0]!.fresh();
    const path = url.slice("file:".length);
    writeFileSync(path, "");
    for (const args of reads) {
      const r = await cli([...args, "--inventory", url]);
      expect([args, r.code], r.stderr).toEqual([args, 3]);
      expect(r.stderr).toContain(`the inventory ${url} has no tables`);
    }
    expect(await rawSql(url, "SELECT name FROM sqlite_master")).toEqual([]);
    await cleanup();
  });
});

describe("doctor", () => {
  async function doctor(args: string[]) {
    const emu = await emulator();
    try {
      const env = emulatorEnv(emu) as Record<string, string>;
      return await cli(["doctor", "--json", ...args], {
        TRTC_ENDPOINT: env.TRTC_ENDPOINT!,
        TENCENTCLOUD_SECRET_ID: env.TENCENTCLOUD_SECRET_ID!,
        TENCENTCLOUD_SECRET_KEY: env.TENCENTCLOUD_SECRET_KEY!,
      });
    } finally {
      await emu.close();
    }
  }
  const inventoryCheck = (stdout: string) => JSON.parse(stdout).checks.find((c: { message: string }) => /inventory/.test(c.message));

  it("reports the store and its coverage, green while callbacks arrive", async () => {
    const before = Date.now();
    const { url } = await STORES[0]!.fresh();
    const store = await openStore(url);
    await store.append([event(103, 1, T, "a")]);
    await store.close();
    const r = await doctor(["--inventory", url]);
    expect(r.code).toBe(0);
    const check = inventoryCheck(r.stdout);
    expect(check).toEqual({ ok: true, message: expect.stringMatching(/^inventory file:.*: callbacks received since \S+Z, latest \S+Z$/) });
    expect(Date.parse(check.message.split("latest ")[1])).toBeGreaterThanOrEqual(before - 1);
  });

  it("warns, not green, on an inventory silent for over an hour (exit code unchanged)", async () => {
    const url = await seeded();
    const r = await doctor(["--inventory", url]);
    expect(r.code).toBe(0);
    const at = new Date(SEEDED_AT).toISOString();
    expect(inventoryCheck(r.stdout)).toEqual({
      ok: true,
      warning: true,
      message: expect.stringMatching(new RegExp(`callbacks received since ${at}, latest ${at}: none for over an hour; is \`events serve\` running`)),
    });
    const pretty = await cli(["doctor", "--inventory", url]);
    expect(pretty.stdout).toMatch(/^! inventory file:.*none for over an hour/m);
    expect(pretty.stdout).not.toMatch(/^✔ inventory/m);
  });

  it("warns on an inventory that never received a callback for the SdkAppId", async () => {
    const { url } = await STORES[0]!.fresh();
    await (await openStore(url)).close();
    const r = await doctor(["--inventory", url]);
    expect(r.code).toBe(0);
    expect(inventoryCheck(r.stdout)).toEqual({
      ok: true,
      warning: true,
      message: expect.stringMatching(new RegExp(`^inventory file:.*: no callback ever received for SdkAppId ${APP}; \`rooms list\``)),
    });
  });

  it("an embedded store not created yet is reported and left uncreated; one that cannot be opened fails (exit 1), its password unprinted", async () => {
    const none = await doctor([]);
    expect(none.code).toBe(0);
    expect(inventoryCheck(none.stdout)).toEqual({ ok: true, warning: true, message: expect.stringMatching(/^inventory file:.*inventory\.db: none yet/) });
    expect(existsSync(`${none.home}/.state/trtc-admin`)).toBe(false);
    const down = await doctor(["--inventory", "postgres://trtc:hunter2@127.0.0.1:1/trtc"]);
    expect(down.code).toBe(1);
    expect(inventoryCheck(down.stdout)).toEqual({
      ok: false,
      message: expect.stringMatching(/^cannot open the inventory postgres:\/\/127\.0\.0\.1:1\/trtc: /),
    });
    expect(down.stdout + down.stderr).not.toContain("hunter2");
  });
});

describe("help", () => {
  it.each([[["events"]], [["events", "serve"]], [["events", "ingest"]], [["rooms"]], [["rooms", "list"]], [["rooms", "show"]]])(
    "trtc-admin %j --help shows usage with examples",
    async (args) => {
      const run = fakeIo();
      expect(await main([...args, "--help"], run.io)).toBe(0);
      expect(run.stdout()).toMatch(/^Usage: trtc-admin/);
      expect(run.stdout()).toMatch(/Examples?:\n {2}\$ trtc-admin/);
    },
  );
});
