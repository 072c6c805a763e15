import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY, type Emulator } from "../../src/emulator/server.js";
import { type Admin, ConfigError, createAdmin, UsageError } from "../../src/index.js";
import { openStore } from "../../src/store/open.js";
import { APP, baseEnv, emulator, seedApp } from "../helpers/cli.js";
import { event } from "../inventory/store-events.js";

let emu: Emulator | undefined;
let client: Admin | undefined;
afterEach(async () => {
  await client?.close();
  await emu?.close();
  [emu, client] = [undefined, undefined];
});

const CREDS = { TENCENTCLOUD_SECRET_ID: DEFAULT_SECRET_ID, TENCENTCLOUD_SECRET_KEY: DEFAULT_SECRET_KEY };
const project = (files: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), "trtc-admin-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
};
const sent = () => emu!.requests.map((q) => [q.action, q.sdkAppId, q.roomId, q.userIds]);

describe("createAdmin: configuration as the CLI reads it", () => {
  it("finds .trtcrc from options.cwd: its profile, ${VAR} credentials and endpoint", async () => {
    emu = await emulator({ seed: seedApp({ "1234": ["alice", "bob"] }) });
    const cwd = project({ ".trtcrc": `sdkAppId: ${APP}\nendpoint: ${emu.url}\nsecretId: \${MY_ID}\nsecretKey: \${MY_KEY}\n` });
    const sub = join(cwd, "deep");
    mkdirSync(sub);
    client = createAdmin({ cwd: sub, env: baseEnv({ MY_ID: DEFAULT_SECRET_ID, MY_KEY: DEFAULT_SECRET_KEY }) });
    const report = await client.kick(1234, ["alice"]);
    expect(report).toMatchObject({ ok: true, exitCode: 0, summary: { total: 1, done: 1 } });
    expect(sent()).toEqual([["RemoveUser", APP, 1234, ["alice"]]]);
  });

  it("selects the profile as the CLI does: options.profile, then TRTC_PROFILE, then defaultProfile; env and explicit options win over the profile", async () => {
    emu = await emulator({ seed: seedApp({ "1": ["u"] }) });
    const cwd = project({
      ".trtcrc": `defaultProfile: a\nprofiles:\n  a: {sdkAppId: 1400000011, endpoint: "${emu.url}"}\n  b: {sdkAppId: 1400000012, endpoint: "${emu.url}", roomIdType: string}\n`,
    });
    const plans = async (options: Parameters<typeof createAdmin>[0]) => {
      const admin = createAdmin({ cwd, ...options });
      const [request] = await admin.plan("dismiss", { rooms: ["1"] });
      await admin.close();
      return [request!.sdkAppId, request!.action];
    };
    expect(await plans({ env: baseEnv(CREDS) })).toEqual([1400000011, "DismissRoom"]);
    expect(await plans({ env: baseEnv({ ...CREDS, TRTC_PROFILE: "b" }) })).toEqual([1400000012, "DismissRoomByStrRoomId"]);
    expect(await plans({ env: baseEnv(CREDS), profile: "b" })).toEqual([1400000012, "DismissRoomByStrRoomId"]);
    expect(await plans({ env: baseEnv({ ...CREDS, TRTC_SDK_APP_ID: "1400000013" }), profile: "b" })).toEqual([1400000013, "DismissRoomByStrRoomId"]);
    expect(await plans({ env: baseEnv({ ...CREDS, TRTC_SDK_APP_ID: "1400000013" }), sdkAppId: 1400000014, roomIdType: "numeric", profile: "b" })).toEqual([
      1400000014,
      "DismissRoom",
    ]);
    expect(emu.requests).toHaveLength(0);
  });

  it("runs a profile's credentialCommand once per client, and signs with what it prints", async () => {
    emu = await emulator({ seed: seedApp({ "1234": ["alice", "bob"] }) });
    const cwd = project({});
    const count = join(cwd, "runs");
    const json = JSON.stringify({ secretId: DEFAULT_SECRET_ID, secretKey: DEFAULT_SECRET_KEY });
    writeFileSync(join(cwd, ".trtcrc.json"), JSON.stringify({ sdkAppId: APP, endpoint: emu.url, credentialCommand: `echo run >> ${count}; echo '${json}'` }));
    client = createAdmin({ cwd, env: baseEnv() });
    expect((await client.kick(1234, ["alice"])).ok).toBe(true);
    expect((await client.kick("1234", ["bob"])).ok).toBe(true);
    expect(readFileSync(count, "utf8")).toBe("run\n");
    expect(sent()).toEqual([
      ["RemoveUser", APP, 1234, ["alice"]],
      ["RemoveUser", APP, 1234, ["bob"]],
    ]);
  });

  it("an abort stops the wait for a JavaScript config whose top-level await never settles: InterruptedError (exit code 130)", async () => {
    const cwd = project({ "trtc.config.mjs": "await new Promise(() => {});\nexport default { sdkAppId: 1 };\n" });
    const abort = new AbortController();
    const admin = createAdmin({ cwd, env: baseEnv(CREDS), signal: abort.signal });
    const planning = admin.plan("dismiss", { rooms: [1] }).catch((e: unknown) => e);
    setImmediate(() => abort.abort());
    expect(await planning).toMatchObject({ name: "InterruptedError", exitCode: 130 });
  });

  it("explicit options win: endpoint, sdkAppId and credential over the config and the environment", async () => {
    emu = await emulator({ seed: seedApp({ "7": ["u"] }) });
    const cwd = project({ ".trtcrc": "sdkAppId: 1400000099\nendpoint: trtc.tencentcloudapi.com\nsecretId: wrong\nsecretKey: wrong\n" });
    const credential = { secretId: DEFAULT_SECRET_ID, secretKey: DEFAULT_SECRET_KEY };
    client = createAdmin({ cwd, env: baseEnv({ TENCENTCLOUD_SECRET_ID: "x", TENCENTCLOUD_SECRET_KEY: "y" }), endpoint: emu.url, sdkAppId: APP, credential });
    expect(await client.dismiss([7])).toMatchObject({ ok: true, exitCode: 0 });
    expect(sent()).toEqual([["DismissRoom", APP, 7, undefined]]);
  });
});

describe("createAdmin: misuse is UsageError or ConfigError, before anything is sent", () => {
  it.each([
    [{ sdkAppId: -1 }, /invalid SdkAppId/],
    [{ sdkAppId: 1.5 }, /invalid SdkAppId/],
    [{ region: "mars" }, /region/],
    [{ rate: -1 }, /invalid rate/],
    [{ concurrency: "8" }, /invalid concurrency/],
    [{ credential: { secretId: 1, secretKey: "k" } }, /invalid options\.credential/],
    [{ cwd: 42 }, /invalid options\.cwd/],
    [{ roomIdType: "text" }, /invalid options\.roomIdType/],
  ])("createAdmin(%j) throws UsageError at once", (options, message) => {
    const err = (() => {
      try {
        createAdmin(options as never);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
  });

  it("bad rooms and users are UsageError, never a TypeError or a send", async () => {
    emu = await emulator({ seed: seedApp({ "1": ["u"] }) });
    client = createAdmin({ cwd: project({}), env: baseEnv(CREDS), sdkAppId: APP, endpoint: emu.url });
    const calls: (() => Promise<unknown>)[] = [
      () => client!.kick(-1, ["u"]),
      () => client!.kick(Number.NaN, ["u"]),
      () => client!.kick(1e21, ["u"]),
      () => client!.kick({} as never, ["u"]),
      () => client!.kick(1, [7] as never),
      () => client!.kick(1, "u" as never),
      () => client!.dismiss([1.5]),
      () => client!.dismiss("1" as never),
      () => client!.mute(1, ["u"], { isMute: 5 as never }),
      () => client!.ban({ room: 1, userIds: ["u"], forMs: 5 }),
      () => client!.ban({ room: -1, userIds: ["u"], forMs: 60_000 }),
      () => client!.ban({ room: 1, userIds: ["u"], forMs: 60_000, reason: "a\u001b[2Jb" }),
      () => client!.ban({ room: 1, userIds: ["u"], forMs: 60_000, reason: 5 as never }),
      () => client!.ban(null as never),
      () => client!.unban(1, []),
      () => client!.rooms.show(0.5),
    ];
    for (const call of calls) expect(await call().catch((e: unknown) => e), call.toString()).toBeInstanceOf(UsageError);
    expect(emu.requests).toHaveLength(0);
  });

  it("no credentials, no SdkAppId or a broken config found from cwd are ConfigError (exit code 3), nothing sent", async () => {
    emu = await emulator({ seed: seedApp({ "1": ["u"] }) });
    const noCreds = createAdmin({ cwd: project({ ".trtcrc": `sdkAppId: ${APP}\nendpoint: ${emu.url}\n` }), env: baseEnv() });
    const noApp = createAdmin({ cwd: project({ ".trtcrc": `endpoint: ${emu.url}\n` }), env: baseEnv(CREDS) });
    const broken = createAdmin({ cwd: project({ ".trtcrc.json": '{"sdkAppId": ' }), env: baseEnv(CREDS) });
    const unset = createAdmin({ cwd: project({ ".trtcrc": `sdkAppId: ${APP}\nsecretId: \${NOPE}\nsecretKey: k\n` }), env: baseEnv(CREDS) });
    for (const [admin, message] of [
      [noCreds, /no credentials for profile "default"/],
      [noApp, /no SdkAppId/],
      [broken, /\.trtcrc\.json: cannot be parsed/],
      [unset, /\$\{NOPE\} is not set/],
    ] as const) {
      const err = await admin.kick(1, ["u"]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect(err).toMatchObject({ exitCode: 3, message: expect.stringMatching(message) });
    }
    expect(emu.requests).toHaveLength(0);
  });

  it("a ban whose kick could not be sent (an unusable HTTPS_PROXY, no credentials) is ConfigError before any ban is stored", async () => {
    emu = await emulator({ seed: seedApp({ "1234": ["troll"] }) });
    const cwd = project({});
    const base = { cwd, sdkAppId: APP, endpoint: emu.url, inventory: "inv.db" };
    for (const env of [baseEnv({ ...CREDS, HTTPS_PROXY: "not a url" }), baseEnv()]) {
      const admin = createAdmin({ ...base, env });
      expect(await admin.ban({ room: 1234, userIds: ["troll"], forMs: 60_000 }).catch((e: unknown) => e)).toBeInstanceOf(ConfigError);
      await admin.close();
    }
    client = createAdmin({ ...base, env: baseEnv(CREDS) });
    expect(await client.bans.list({ all: true })).toEqual([]);
    expect(emu.requests).toHaveLength(0);
  });

  it("a closed client refuses calls", async () => {
    client = createAdmin({ cwd: project({}), env: baseEnv(CREDS), sdkAppId: APP });
    await client.close();
    await expect(client.kick(1, ["u"])).rejects.toThrow(UsageError);
  });
});

describe("createAdmin: bans and rooms through the inventory", () => {
  it("ban stores the ban then kicks; bans.list shows it; unban ends it", async () => {
    emu = await emulator({ seed: seedApp({ "1234": ["troll", "ok"] }) });
    const cwd = project({});
    client = createAdmin({ cwd, env: baseEnv(CREDS), sdkAppId: APP, endpoint: emu.url, inventory: "inventory.db" });
    const { bans, report } = await client.ban({ room: 1234, userIds: ["troll", "troll"], forMs: 3_600_000, reason: "spam" });
    expect(bans).toEqual([expect.objectContaining({ sdkAppId: APP, roomId: 1234, roomIdType: "numeric", userId: "troll", reason: "spam" })]);
    expect(Date.parse(bans[0]!.until) - Date.parse(bans[0]!.createdAt)).toBe(3_600_000);
    expect(report).toMatchObject({ ok: true, exitCode: 0, summary: { done: 1 } });
    expect(sent()).toEqual([["RemoveUser", APP, 1234, ["troll"]]]);
    expect((await client.bans.list()).map((b) => b.userId)).toEqual(["troll"]);
    expect((await client.unban(1234, ["troll"])).map((b) => b.userId)).toEqual(["troll"]);
    expect(await client.bans.list()).toEqual([]);
    expect((await client.bans.list({ all: true })).map((b) => b.userId)).toEqual(["troll"]);
  });

  it("ban of all rooms kicks from each live room the inventory shows; one that knows no room is ConfigError, nothing stored", async () => {
    emu = await emulator({ seed: seedApp({ "1234": ["troll"], "3002": ["troll"] }) });
    const cwd = project({});
    const url = `file:${join(cwd, "inv.db")}`;
    client = createAdmin({ cwd, env: baseEnv({ ...CREDS, TRTC_INVENTORY: url }), sdkAppId: APP, endpoint: emu.url });
    await (await openStore(url)).close();
    expect(await client.ban({ room: null, userIds: ["troll"], forMs: 60_000 }).catch((e: unknown) => e)).toBeInstanceOf(ConfigError);
    expect(await client.bans.list()).toEqual([]);
    const store = await openStore(url);
    const now = Date.now() - 60_000;
    await store.append([event(103, 1234, now, "troll"), event(103, 3002, now, "troll")]);
    await store.close();
    const { report } = await client.ban({ room: null, userIds: ["troll"], forMs: 60_000 });
    expect(report.summary.done).toBe(2);
    expect(sent().sort()).toEqual([
      ["RemoveUser", APP, 1234, ["troll"]],
      ["RemoveUser", APP, 3002, ["troll"]],
    ]);
    expect((await client.rooms.list()).map((r) => r.roomId).sort()).toEqual([1234, 3002]);
    expect(await client.rooms.show("1234")).toMatchObject({ roomId: 1234, roomIdType: "numeric" });
    expect(await client.rooms.show(99)).toBeUndefined();
  });

  it("dismiss closes the dismissed rooms in the inventory, as the CLI's dismiss does", async () => {
    emu = await emulator({ seed: seedApp({ "1234": ["a"], "3002": ["b"] }) });
    const cwd = project({});
    const url = `file:${join(cwd, "inv.db")}`;
    const store = await openStore(url);
    await store.append([event(103, 1234, Date.now() - 60_000, "a"), event(103, 3002, Date.now() - 60_000, "b")]);
    await store.close();
    client = createAdmin({ cwd, env: baseEnv({ ...CREDS, TRTC_INVENTORY: url }), sdkAppId: APP, endpoint: emu.url });
    const seen: string[] = [];
    expect(await client.dismiss([3002], { onResult: (r) => void seen.push(r.status) })).toMatchObject({ ok: true, summary: { done: 1 } });
    expect(seen).toEqual(["done"]);
    expect((await client.rooms.list()).map((r) => r.roomId)).toEqual([1234]);
  });

  it("rooms and bans of an inventory that does not exist are ConfigError, and none is created", async () => {
    const cwd = project({});
    client = createAdmin({ cwd, env: baseEnv(CREDS), sdkAppId: APP, inventory: "missing.db" });
    await expect(client.rooms.list()).rejects.toThrow(ConfigError);
    await expect(client.bans.list()).rejects.toThrow(ConfigError);
    expect(() => readFileSync(join(cwd, "missing.db"))).toThrow(/ENOENT/);
  });
});

describe("createAdmin: one rate budget per action for every call on a client", () => {
  it("two concurrent dismissals on one client draw no rate-limit rejection", async () => {
    const rooms = Array.from({ length: 12 }, (_, i) => i + 1);
    emu = await emulator({ seed: seedApp(Object.fromEntries(rooms.map((r) => [String(r), ["u"]]))), rateLimit: 10 });
    client = createAdmin({ cwd: project({}), env: baseEnv(CREDS), sdkAppId: APP, endpoint: emu.url, rate: 10, maxAttempts: 1 });
    const [a, b] = await Promise.all([client.dismiss(rooms.slice(0, 6)), client.dismiss(rooms.slice(6))]);
    expect([a.summary.done, b.summary.done]).toEqual([6, 6]);
    expect(emu.requests.filter((q) => q.code !== null)).toEqual([]);
  });
});

describe("createAdmin: budgets shared through an explicitly set inventory", () => {
  it("waits for slots another process holds in the store's ledger before sending", async () => {
    emu = await emulator({ seed: seedApp({ "5": ["u"] }) });
    const cwd = project({});
    const url = `file:${join(cwd, "inv.db")}`;
    // Another process's two slots of this (SdkAppId, action), free 400 ms from now.
    const other = await openStore(url);
    const start = Date.now();
    for (let i = 0; i < 2; i++) {
      const claim = await other.claimRateSlot(`${APP}/DismissRoom`, 2, start, start + 60_000);
      if (!("slot" in claim)) throw new Error("slot not claimed");
      await other.freeRateSlot(`${APP}/DismissRoom`, claim.slot, start + 400);
    }
    await other.close();
    client = createAdmin({ cwd, env: baseEnv({ ...CREDS, TRTC_INVENTORY: url }), sdkAppId: APP, endpoint: emu.url, rate: 2 });
    expect((await client.dismiss([5])).ok).toBe(true);
    // Load can only delay the request further, never bring it earlier.
    expect(Date.now() - start).toBeGreaterThanOrEqual(400);
    expect(emu.requests).toHaveLength(1);
  });
});

describe('require("trtc-admin")', () => {
  it("the CommonJS entry (dist/index.cjs, as package.json's exports name it) gives the same createAdmin and error classes", async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8"));
    expect(pkg.exports["."].require).toBe("./dist/index.cjs");
    const lib = createRequire(import.meta.url)("../../dist/index.cjs") as typeof import("../../src/index.js");
    emu = await emulator({ seed: seedApp({ "1234": ["alice"] }) });
    const cwd = project({ ".trtcrc": `sdkAppId: ${APP}\nendpoint: ${emu.url}\n` });
    client = lib.createAdmin({ cwd, env: baseEnv(CREDS) });
    const misuse = await client.kick(1.5, ["alice"]).catch((e: unknown) => e);
    expect(misuse).toBeInstanceOf(lib.UsageError);
    expect(misuse).toMatchObject({ name: "UsageError", exitCode: 2 });
    expect(emu.requests).toHaveLength(0);
    expect(await client.kick(1234, ["alice"])).toMatchObject({ ok: true, exitCode: 0, results: [{ action: "RemoveUser", status: "done" }] });
  });
});
