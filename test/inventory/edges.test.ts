import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/commands/program.js";
import { openStore } from "../../src/store/open.js";
import { emulator, emulatorEnv, seedApp } from "../helpers/inproc.js";
import { APP, callbackBody, fakeIo, KEY, STORES, signedHeaders } from "./helpers.js";
import { event } from "./store-events.js";

async function cli(args: string[], env: Record<string, string> = {}, config?: object, files: string[] = []) {
  const run = fakeIo({ TRTC_SDK_APP_ID: String(APP), TRTC_CALLBACK_KEY: "k", TRTC_ENDPOINT: "http://127.0.0.1:1", ...env });
  if (config) writeFileSync(join(run.home, ".trtcrc.json"), JSON.stringify(config));
  for (const name of files) writeFileSync(join(run.home, name), name.includes("c.yaml") ? `sdkAppId: ${APP}\n` : "1\n");
  const code = await main(args, run.io);
  return { code, stdout: run.stdout(), stderr: run.stderr(), home: run.home };
}

async function storeWith(rooms: (number | string)[]): Promise<string> {
  const { url } = await STORES[0]!.fresh();
  const store = await openStore(url);
  await store.append(rooms.map((room, i) => event(103, room, Date.now() - 60_000 + i, "alice")));
  await store.close();
  return url;
}

/** Every name under `dir`, recursively. */
const namesUnder = (dir: string) => readdirSync(dir, { recursive: true }).map(String);

describe("inventory URLs never print or become a password", () => {
  // [URL, the parts of its password that must never be printed]
  const hostile: [string, string[]][] = [
    ["postgres://u:pa/S3cretPw@127.0.0.1:1/x", ["pa/S3", "S3cretPw"]],
    ["postgres://u:pa S3cretPw@127.0.0.1:1/x", ["pa S3", "S3cretPw"]],
    ["postgres://u:p@S3cretPw@127.0.0.1:1/x", ["p@S3", "S3cretPw"]],
    ["postgres://u@127.0.0.1:1/x?password=S3cretPw", ["S3cretPw"]],
    ["postgres://u@127.0.0.1:1/x?sslmode=disable&password=S3cretPw&application_name=a", ["S3cretPw"]],
    ["postgres://u:S3cret%50w@127.0.0.1:1/x", ["S3cret%50w", "S3cretPw"]],
    ["postgres://u:S3c#retPw@127.0.0.1:1/x", ["S3c#", "retPw"]],
    ["postgres://u:S3c?retPw@127.0.0.1:1/x", ["S3c?", "retPw"]],
    ["postgres://:S3cretPw@127.0.0.1:1/x", ["S3cretPw"]],
    ["postgres://u:S3cretPw@[::1/x", ["S3cretPw"]],
    ["postgresql://u:S3cretPw@127.0.0.1:notaport/x", ["S3cretPw"]],
    ["postgres://u:S3cretPw@127.0.0.1:1/x?password=0therPw", ["S3cretPw", "0therPw"]],
    ["postgres://u@127.0.0.1:1/x?password=S3c#retPw", ["S3c#", "retPw"]],
    [" postgres://trtc:S3cretPw@127.0.0.1:1/trtc", ["S3cretPw"]],
    ["postgres://trtc:S3cretPw@127.0.0.1:1/trtc\n", ["S3cretPw"]],
    ["postgres://trtc:S3cretPw@127.0.0.1:1/trtc\u0000", ["S3cretPw"]],
    ["mysql://u:S3cretPw@127.0.0.1:1/x", ["S3cretPw"]],
    ["file://u:S3cretPw@/tmp/x.db", ["S3cretPw"]],
    ["./x postgres://u:S3cretPw@127.0.0.1:1/x", ["S3cretPw"]],
  ];
  const commands = [
    ["rooms", "list", "--json"],
    ["rooms", "list"],
    ["doctor", "--json"],
    ["doctor"],
    ["events", "serve", "--port", "0"],
    ["events", "ingest", "--json"],
    ["dismiss", "--live", "--yes", "--json"],
  ];
  const sources: [string, (url: string) => { args: string[]; env: Record<string, string>; config?: object }][] = [
    ["--inventory", (url) => ({ args: ["--inventory", url], env: {} })],
    ["TRTC_INVENTORY", (url) => ({ args: [], env: { TRTC_INVENTORY: url } })],
    ["the profile's inventory", (url) => ({ args: [], env: {}, config: { sdkAppId: APP, inventory: url } })],
  ];

  it.each(hostile)("%j: refused or unreachable, in every output, from every source; no file named after it", async (url, secrets) => {
    for (const [source, given] of sources) {
      for (const command of commands) {
        const { args, env, config } = given(url);
        const r = await cli([...command, ...args], env, config);
        const where = `${command.join(" ")} with ${source}`;
        expect(r.code, where).not.toBe(0);
        for (const secret of secrets) {
          expect(r.stdout + r.stderr, where).not.toContain(secret);
          expect(namesUnder(r.home).join("\n"), where).not.toContain(secret);
        }
      }
    }
  });

  it("surrounding whitespace, another scheme or a NUL: exit 3 from the environment or a profile, exit 2 as --inventory, naming the problem", async () => {
    const env = await cli(["rooms", "list"], { TRTC_INVENTORY: " postgres://trtc:S3cretPw@127.0.0.1:1/trtc" });
    expect(env.code).toBe(3);
    expect(env.stderr).toMatch(/invalid TRTC_INVENTORY: it has leading or trailing whitespace/);
    const profile = await cli(["rooms", "list"], {}, { sdkAppId: APP, inventory: "redis://x" });
    expect(profile.code).toBe(3);
    expect(profile.stderr).toMatch(/\.trtcrc\.json: \(top level\)\.inventory: its scheme is not file: or postgres:\/\//);
    const flag = await cli(["rooms", "list", "--inventory", "file:///tmp/x%00y.db"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/invalid --inventory: its path contains a NUL byte/);
  });
});

describe("embedded store paths the system cannot open", () => {
  it.each([
    ["file:///tmp/x%00y.db", /NUL byte/],
    ["file:/tmp/x%zzy.db", /malformed %-escape/],
    ["file://db.example/tmp/x.db", /names no host/],
  ])("%s is a configuration error before any driver opens it (not a crash)", async (url, message) => {
    const r = await cli(["rooms", "list", "--json"], { TRTC_INVENTORY: url });
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: "ConfigError", message: expect.stringMatching(message) } });
  });

  it("the library's openStore refuses a NUL too: a configuration error, not an abort", async () => {
    await expect(openStore("file:///tmp/x%00y.db")).rejects.toMatchObject({ exitCode: 3, message: expect.stringMatching(/NUL byte/) });
  });
});

describe("rooms list --match", () => {
  it("a pattern that makes a regular expression backtrack answers at once", async () => {
    const url = await storeWith(["a".repeat(64), `${"a".repeat(63)}b`]);
    const r = await cli(["rooms", "list", "-o", "ndjson", "--inventory", url, "--match", "*a*a*a*a*a*a*a*a*b"]);
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).roomId ?? JSON.parse(l).summary),
    ).toEqual([`${"a".repeat(63)}b`, { count: 1 }]);
  }, 10_000);

  it("a pattern over 256 characters is a usage error (exit 2), not a bug report", async () => {
    for (const command of [
      ["rooms", "list"],
      ["dismiss", "--live", "--yes"],
    ]) {
      const r = await cli([...command, "--match", "a".repeat(50_000)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--match is 50000 characters long; at most 256/);
      expect(r.stderr).not.toMatch(/bug/);
    }
    expect((await cli(["rooms", "list", "--match", "[z-a]"])).code).toBe(2);
  });
});

describe("rooms show", () => {
  it.each(["1234 ", " 1234", "ci-7-a\t"])("%j: the whitespace rule, as every other command applies it (exit 2)", async (room) => {
    const url = await storeWith(["1234 ", 1234]);
    const r = await cli(["rooms", "show", room, "--inventory", url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has leading or trailing whitespace/);
  });
});

describe("ids in the inventory that the API would refuse", () => {
  const invalid = ["room😀", "a/b", "café"];
  async function withEmulator<T>(fn: (env: Record<string, string>, sent: () => unknown[][]) => Promise<T>): Promise<T> {
    const emu = await emulator({ seed: seedApp({ "1234": ["troll"] }, { standup: ["troll"] }) });
    try {
      const env = emulatorEnv(emu) as Record<string, string>;
      const keys = ["TRTC_ENDPOINT", "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"] as const;
      return await fn(Object.fromEntries(keys.map((k) => [k, env[k]!])), () => emu.requests.map((q) => [q.action, q.roomId]));
    } finally {
      await emu.close();
    }
  }

  it("dismiss --live skips them with a warning naming them, and dismisses the valid rooms (exit 0)", async () => {
    const url = await storeWith([1234, ...invalid, "standup"]);
    await withEmulator(async (env, sent) => {
      const r = await cli(["dismiss", "--live", "--yes", "--json", "--inventory", url], env);
      expect(r.code).toBe(0);
      expect(sent()).toEqual([
        ["DismissRoom", 1234],
        ["DismissRoomByStrRoomId", "standup"],
      ]);
      expect(JSON.parse(r.stdout).summary).toMatchObject({ total: 2, done: 2 });
      expect(r.stderr).toContain(`warning: skipped 3 rooms whose id the API would refuse: string room "a/b", string room "café", string room "room😀"\n`);
      const listed = await cli(["rooms", "list", "--json", "--inventory", url]);
      expect(JSON.parse(listed.stdout).rooms.map((room: { roomId: unknown }) => room.roomId)).toEqual(["a/b", "café", "room😀"]);
    });
  });

  it("ban --all-rooms never kicks in them, and kicks in the valid rooms", async () => {
    const url = await storeWith([1234, ...invalid, "standup"]);
    await withEmulator(async (env, sent) => {
      const r = await cli(["ban", "--all-rooms", "alice", "--for", "1h", "--yes", "--json", "--inventory", url], env);
      expect(r.code).toBe(0);
      expect(sent()).toEqual([
        ["RemoveUser", 1234],
        ["RemoveUserByStrRoomId", "standup"],
      ]);
      expect(r.stderr).toMatch(/warning: skipped 3 rooms whose id the API would refuse: string room "a\/b"/);
    });
  });
});

describe("an interrupt during dismiss --live", () => {
  it("writes the closes of every room already done before exiting 130", async () => {
    const rooms = Array.from({ length: 40 }, (_, i) => 1000 + i);
    const url = await storeWith(rooms);
    const emu = await emulator({ seed: seedApp(Object.fromEntries(rooms.map((r) => [String(r), ["alice"]]))), latencyMs: 20 });
    try {
      const env = emulatorEnv(emu) as Record<string, string>;
      const run = fakeIo({
        TRTC_SDK_APP_ID: String(APP),
        TRTC_ENDPOINT: env.TRTC_ENDPOINT!,
        TENCENTCLOUD_SECRET_ID: env.TENCENTCLOUD_SECRET_ID!,
        TENCENTCLOUD_SECRET_KEY: env.TENCENTCLOUD_SECRET_KEY!,
      });
      const poll = setInterval(() => emu.requests.length >= 16 && run.abort.abort(), 2);
      const code = await main(["dismiss", "--live", "--yes", "-o", "ndjson", "--concurrency", "1", "--inventory", url], run.io).finally(() =>
        clearInterval(poll),
      );
      expect(code).toBe(130);
      const results = run
        .stdout()
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l))
        .filter((l) => l.status);
      const done = results.filter((r) => r.status === "done").map((r) => r.roomId);
      expect(done.length).toBeGreaterThanOrEqual(16);
      expect(done.length).toBeLessThan(40);
      const live = await cli(["rooms", "list", "--json", "--inventory", url]);
      expect(JSON.parse(live.stdout).rooms.map((r: { roomId: number }) => r.roomId)).toEqual(rooms.filter((r) => !done.includes(r)));
      expect(run.stderr()).not.toMatch(/not closed in the inventory/);
    } finally {
      await emu.close();
    }
  });
});

describe("events ingest refuses input that is not lines of text", () => {
  async function ingest(args: string[], input = "") {
    const { url } = await STORES[0]!.fresh();
    const run = fakeIo({ TRTC_SDK_APP_ID: String(APP), TRTC_CALLBACK_KEY: KEY, TRTC_INVENTORY: url }, input);
    const code = await main(["events", "ingest", ...args], run.io);
    const store = await openStore(url);
    const rooms = await store.listRooms(APP, { all: true });
    await store.close();
    return { code, stderr: run.stderr(), rooms };
  }

  it("--from-file /dev/zero: exit 2 at once, not a spin forever", async () => {
    const r = await ingest(["--from-file", "/dev/zero"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the input is not text \(it holds a NUL byte\)/);
  }, 10_000);

  it("a line that never ends: exit 2 once it runs past 64 times the line limit", async () => {
    const r = await ingest([], "x".repeat(40 * 1024 * 1024));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a line runs past 33554432 bytes without ending/);
  }, 20_000);

  it("the callbacks read before the refused input are stored", async () => {
    const raw = callbackBody({ type: 103, room: 42, user: "alice", ms: Date.now() });
    const r = await ingest([], `${JSON.stringify({ headers: signedHeaders(raw), body: raw.toString("utf8") })}\n\u0000\u0000\n`);
    expect(r.code).toBe(2);
    expect(r.rooms.map((room) => room.roomId)).toEqual([42]);
  });
});

describe("every argument and setting that names a place follows the whitespace rule", () => {
  it.each([
    [["dismiss", "--from-file", " rooms.txt", "--dry-run"], {}, undefined, 2, /--from-file " rooms.txt" has leading or trailing whitespace/],
    [["events", "ingest", "--from-file", "in.jsonl "], {}, undefined, 2, /--from-file "in.jsonl " has leading or trailing whitespace/],
    [["config", "show", "--config", " c.yaml"], {}, undefined, 2, /--config " c.yaml" has leading or trailing whitespace/],
    [["config", "show"], { TRTC_CONFIG: "c.yaml " }, undefined, 3, /TRTC_CONFIG "c.yaml " has leading or trailing whitespace/],
    [
      ["dismiss", "1", "--dry-run", "--endpoint", "http://127.0.0.1:1 "],
      {},
      undefined,
      2,
      /invalid endpoint "http:\/\/127.0.0.1:1": it has leading or trailing whitespace/,
    ],
    [["dismiss", "1", "--dry-run"], { TRTC_ENDPOINT: "http://127.0.0.1:1\n" }, undefined, 2, /invalid endpoint .*: it has leading or trailing whitespace/],
    [["dismiss", "1", "--yes"], {}, { sdkAppId: APP, auditLog: " audit.jsonl" }, 3, /auditLog has leading or trailing whitespace/],
  ])("%j is refused, never read as another file or host", async (args, env, config, code, message) => {
    // The files they would name exist, so only the rule stops them.
    const r = await cli(args, { TENCENTCLOUD_SECRET_ID: "id", TENCENTCLOUD_SECRET_KEY: "key", ...env }, config, [
      " rooms.txt",
      "in.jsonl ",
      " c.yaml",
      "c.yaml ",
    ]);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(code);
    expect(namesUnder(r.home)).not.toContain(" audit.jsonl");
  });
});
