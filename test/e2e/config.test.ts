import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY, type Emulator } from "../../src/emulator/server.js";
import { run as spawned } from "../helpers/cli.js";
import { baseEnv, emulator, run } from "../helpers/inproc.js";

let emu: Emulator;
beforeEach(async () => {
  emu = await emulator({
    seed: {
      apps: [
        { sdkAppId: 1400000001, rooms: { "1": ["a"] } },
        { sdkAppId: 1400000002, strRooms: { "1": ["b"] } },
      ],
    },
  });
});
afterEach(() => emu.close());

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "trtc-proj-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const credsScript = join(mkdtempSync(join(tmpdir(), "trtc-creds-")), "creds.cjs");
writeFileSync(credsScript, `console.log(JSON.stringify({ secretId: "${DEFAULT_SECRET_ID}", secretKey: "${DEFAULT_SECRET_KEY}" }));`);

const profiles = (url: string) => `
defaultProfile: prod
profiles:
  prod:
    sdkAppId: 1400000001
    endpoint: ${url}
    secretId: \${PROD_ID}
    secretKey: \${PROD_KEY}
  staging:
    sdkAppId: 1400000002
    endpoint: ${url}
    roomIdType: string
    credentialCommand: node ${credsScript}
`;
/** A nine-level "billion laughs" under a known key (as in test/unit/config.test.ts). */
const LOL_BOMB = `sdkAppId:\n  - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n${[..."bcdefghi"].map((n, i) => `  - &${n} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(", ")}]\n`).join("")}`;
const prodEnv = { PROD_ID: DEFAULT_SECRET_ID, PROD_KEY: DEFAULT_SECRET_KEY };

describe("configuration end to end", () => {
  it("finds .trtcrc by searching up from the working directory", async () => {
    const dir = project({ ".trtcrc": profiles(emu.url), "sub/dir/.keep": "" });
    const r = await run(["dismiss", "1", "--yes"], { cwd: join(dir, "sub/dir"), env: baseEnv(prodEnv) });
    expect(r.code).toBe(0);
    expect(emu.requests).toMatchObject([{ action: "DismissRoom", sdkAppId: 1400000001, roomId: 1 }]);
    expect(r.stderr).toContain("profile prod · SdkAppId 1400000001");
  });

  it("reads --config, and a profile's roomIdType and credentialCommand", async () => {
    const dir = project({ "ci.yaml": profiles(emu.url) });
    const r = await run(["--config", join(dir, "ci.yaml"), "dismiss", "1", "--profile", "staging", "--yes"], { env: baseEnv() });
    expect(r.code).toBe(0);
    expect(emu.requests).toMatchObject([{ action: "DismissRoomByStrRoomId", sdkAppId: 1400000002, roomId: "1" }]);
    expect(r.stderr).toContain('credentials: credentialCommand of profile "staging"');
  });

  it("reads the user config directory ($XDG_CONFIG_HOME/trtc/config.yaml)", async () => {
    const env = baseEnv(prodEnv);
    mkdirSync(join(env.XDG_CONFIG_HOME!, "trtc"), { recursive: true });
    writeFileSync(join(env.XDG_CONFIG_HOME!, "trtc", "config.yaml"), profiles(emu.url));
    // Spawned: in-process, the user config directory comes from process.env, not io.env (reported).
    const r = await spawned(["dismiss", "1", "--yes"], { env });
    expect(r.code).toBe(0);
    expect(emu.requests).toHaveLength(1);
  });

  it("an explicit profile keeps its own credentials even when the environment has wrong ones", async () => {
    const dir = project({ ".trtcrc": profiles(emu.url) });
    const env = baseEnv({ ...prodEnv, TENCENTCLOUD_SECRET_ID: DEFAULT_SECRET_ID, TENCENTCLOUD_SECRET_KEY: "wrong" });
    expect((await run(["dismiss", "1", "--yes", "-p", "prod"], { cwd: dir, env })).code).toBe(0);
  });

  it("without an explicit profile, environment credentials win over the default profile's", async () => {
    const dir = project({ ".trtcrc": profiles(emu.url) });
    const env = baseEnv({ ...prodEnv, TENCENTCLOUD_SECRET_ID: DEFAULT_SECRET_ID, TENCENTCLOUD_SECRET_KEY: "wrong" });
    const r = await run(["dismiss", "1", "--yes"], { cwd: dir, env });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("credentials: environment");
  });

  it("TRTC_SDK_APP_ID and --sdk-app-id override the profile", async () => {
    const dir = project({ ".trtcrc": profiles(emu.url) });
    const r = await run(["dismiss", "1", "--yes", "--str-room"], { cwd: dir, env: baseEnv({ ...prodEnv, TRTC_SDK_APP_ID: "1400000002" }) });
    expect(r.code).toBe(0);
    expect(emu.requests).toMatchObject([{ sdkAppId: 1400000002, roomId: "1" }]);
  });

  it.each<[string, string, RegExp, string]>([
    [
      ".trtcrc",
      "profiles:\n  prod:\n    sdkAppID: 1\n",
      /\.trtcrc: profiles\.prod\.sdkAppID: unknown key/,
      "remove it; profile keys are sdkAppId, region, endpoint, roomIdType, secretId, secretKey, sessionToken, credentialCommand, callbackKey, inventory",
    ],
    [".trtcrc", "sdkAppId: abc\n", /sdkAppId: must be a positive integer/, "fix (top level).sdkAppId"],
    [
      ".trtcrc",
      "sdkAppId: 1\nsecretId: ${NOPE_ID}\nsecretKey: x\n",
      /\(top level\)\.secretId: \$\{NOPE_ID\} is not set/,
      "export NOPE_ID=… or write the value into (top level).secretId",
    ],
    [".trtcrc.json", "{ broken", /cannot be parsed/, "fix the syntax (YAML or JSON)"],
    [
      ".trtcrc",
      "profiles:\n  a:\n    sdkAppId: 1\n   region: x\n",
      /\.trtcrc: cannot be parsed: bad indentation of a mapping entry \(line 4, column 4\)/,
      "fix the syntax (YAML or JSON)",
    ],
    [".trtcrc", LOL_BOMB, /\.trtcrc: cannot be parsed: YAML aliases expand it to more than 10000 values/, "fix the syntax (YAML or JSON)"],
    [
      ".trtcrc",
      "__proto__: {sdkAppId: 1400000001}\nsdkAppId: 1400000001\n",
      /\.trtcrc: \(top level\)\.__proto__: unknown key/,
      "remove it; profile keys are sdkAppId, region, endpoint, roomIdType, secretId, secretKey, sessionToken, credentialCommand, callbackKey, inventory",
    ],
    [
      ".trtcrc.json",
      '{"profiles": {}, "__proto__": {"defaultProfile": "x"}}',
      /\.trtcrc\.json: __proto__: unknown key/,
      "move it under a profile in profiles:, or remove it; top-level keys are defaultProfile, profiles, auditLog",
    ],
    [
      ".trtcrc",
      "defaultProfile: constructor\nprofiles: {a: {sdkAppId: 1400000001}}\n",
      /defaultProfile: names no profile \(got "constructor"\)/,
      "set it to one of: a",
    ],
    [
      ".trtcrc",
      "sdkAppId: 1400000001\nsecretId: id\nsecretKey: 987654321\n",
      /\(top level\)\.secretKey: must be a non-empty string \(got a number\)/,
      "fix (top level).secretKey",
    ],
    [
      ".trtcrc",
      `sdkAppId: 1400000001\ncredentialCommand: echo null\n`,
      /failed: it must print a JSON object with string secretId and secretKey/,
      'run the command yourself; it must print JSON {"secretId","secretKey","sessionToken"?}',
    ],
  ])(
    "an invalid %s exits 3 naming the file and key",
    async (name, text, message, hint) => {
      const dir = project({ [name]: text });
      const r = await run(["dismiss", "1", "--yes"], { cwd: dir, env: baseEnv({ TRTC_ENDPOINT: emu.url }) });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(message);
      // The hint for this problem, on the line after the error: not just any hint.
      expect(r.stderr).toMatch(/(^|\n)error: .*\nhint: .*\n$/);
      expect(r.stderr.split("\n").at(-2)).toBe(`hint: ${hint}`);
      expect(r.stderr).not.toMatch(/987654321|a bug in trtc-admin/);
      expect(emu.requests).toHaveLength(0);
    },
    15_000,
  );

  it.each(["constructor", "toString", "hasOwnProperty", "__proto__"])("--profile %s is an unknown profile, even with environment credentials", async (name) => {
    const dir = project({ ".trtcrc": profiles(emu.url) });
    const r = await run(["dismiss", "1", "--yes", "--profile", name], {
      cwd: dir,
      env: baseEnv({ TENCENTCLOUD_SECRET_ID: DEFAULT_SECRET_ID, TENCENTCLOUD_SECRET_KEY: DEFAULT_SECRET_KEY }),
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`unknown profile "${name}"`);
    expect(emu.requests).toHaveLength(0);
  });

  it("a config that is a directory is reported as unreadable: .trtcrc or the user config directory's config.yaml", async () => {
    const dir = project({ ".trtcrc/.keep": "" });
    const found = await run(["dismiss", "1", "--yes"], { cwd: dir, env: baseEnv({ TRTC_ENDPOINT: emu.url }) });
    expect(found.code).toBe(3);
    expect(found.stderr).toContain(`${join(dir, ".trtcrc")}: cannot be read: EISDIR`);
    const env = baseEnv({ TRTC_ENDPOINT: emu.url });
    mkdirSync(join(env.XDG_CONFIG_HOME!, "trtc", "config.yaml"), { recursive: true });
    // Spawned: in-process, the user config directory comes from process.env, not io.env (reported).
    const user = await spawned(["dismiss", "1", "--yes"], { env });
    expect(user.code).toBe(3);
    expect(user.stderr).toContain(`${join(env.XDG_CONFIG_HOME!, "trtc", "config.yaml")}: cannot be read: EISDIR`);
    expect(emu.requests).toHaveLength(0);
  });

  it("a broken package.json in the working directory is not our config and does not stop the command", async () => {
    const dir = project({ "package.json": "{", ".trtcrc": profiles(emu.url) });
    const r = await run(["dismiss", "1", "--yes"], { cwd: dir, env: baseEnv(prodEnv) });
    expect(r.stderr).toContain("profile prod · SdkAppId 1400000001");
    expect(r.stderr).not.toContain("package.json");
    expect(r.code).toBe(0);
    expect(emu.requests).toHaveLength(1);
  });

  it("--config takes a file of any extension as YAML, as the help example ./ci.trtcrc", async () => {
    const dir = project({ "ci.trtcrc": profiles(emu.url) });
    const r = await run(["config", "validate", "--config", "./ci.trtcrc"], { cwd: dir, env: baseEnv(prodEnv) });
    expect(r.stdout).toMatch(/ci\.trtcrc is valid/);
    expect(r.code).toBe(0);
  });

  it("an endpoint with user:password@ is refused without printing them", async () => {
    const r = await run(["dismiss", "1", "--yes", "--endpoint", "https://alice:pa55w0rd@example.com"], { env: baseEnv({ TRTC_SDK_APP_ID: "1400000001" }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid endpoint "https://***@example.com"');
    expect(r.stderr).not.toMatch(/alice|pa55w0rd/);
  });

  it("an unknown profile exits 3", async () => {
    const dir = project({ ".trtcrc": profiles(emu.url) });
    const r = await run(["dismiss", "1", "--yes", "--profile", "qa"], { cwd: dir, env: baseEnv(prodEnv) });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/unknown profile "qa".*\n.*choose one of: prod, staging/);
  });

  it("a failing credentialCommand exits 3 without echoing its output", async () => {
    const dir = project({ ".trtcrc": `sdkAppId: 1400000001\nendpoint: ${emu.url}\ncredentialCommand: "echo leaked-secret >&2; exit 7"\n` });
    const r = await run(["dismiss", "1", "--yes"], { cwd: dir, env: baseEnv() });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/credentialCommand of profile "default" failed: exit status 7/);
    expect(r.stderr).not.toContain("leaked-secret");
  });

  it("auditLog gets one JSON line per request sent, without credentials", async () => {
    const dir = project({ ".trtcrc": `${profiles(emu.url)}auditLog: ./logs/audit.jsonl\n` });
    mkdirSync(join(dir, "logs"));
    mkdirSync(join(dir, "elsewhere"));
    const r = await run(["dismiss", "1", "2", "--yes"], { cwd: join(dir, "elsewhere"), env: baseEnv(prodEnv) });
    expect(r.code).toBe(1);
    const text = readFileSync(join(dir, "logs/audit.jsonl"), "utf8");
    const lines = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.profile, l.action, l.roomId, l.status]).sort()).toEqual([
      ["prod", "DismissRoom", 1, "done"],
      ["prod", "DismissRoom", 2, "failed"],
    ]);
    expect(lines.map((l) => l.requestId).sort()).toEqual(emu.requests.map((q) => q.requestId).sort());
    expect(text).not.toContain(DEFAULT_SECRET_KEY);
    expect(text).not.toContain(DEFAULT_SECRET_ID);
  });

  it("config show masks secrets and says where each value came from", async () => {
    const dir = project({ ".trtcrc": profiles(emu.url) });
    const r = await run(["config", "show", "--json"], { cwd: dir, env: baseEnv(prodEnv) });
    expect(r.code).toBe(0);
    const view = JSON.parse(r.stdout);
    expect(view).toMatchObject({
      configFile: join(dir, ".trtcrc"),
      profile: "prod",
      sdkAppId: 1400000001,
      sdkAppIdSource: "profile",
      endpoint: `${emu.url}/`,
      endpointSource: "profile",
      regionSource: "default",
      credentials: 'profile "prod"',
      secretId: "****0000",
      secretKey: "****",
    });
    expect(r.stdout).not.toContain(DEFAULT_SECRET_KEY);
  });

  it("config init writes .trtcrc 0600; config validate flags its placeholder SdkAppId (exit 3) until it is set", async () => {
    const dir = project({});
    const creds = { TENCENTCLOUD_SECRET_ID: "x", TENCENTCLOUD_SECRET_KEY: "y" };
    // Spawned: the example file is found beside the bundle, as installed.
    expect((await spawned(["config", "init"], { cwd: dir, env: baseEnv() })).code).toBe(0);
    const file = join(dir, ".trtcrc");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const placeholder = await run(["config", "validate"], { cwd: dir, env: baseEnv(creds) });
    expect(placeholder.code).toBe(3);
    expect(placeholder.stderr).toContain(`error: ${file}: profiles.production.sdkAppId is 1400000000, the placeholder \`config init\` writes\n`);
    writeFileSync(file, readFileSync(file, "utf8").replaceAll("sdkAppId: 1400000000", "sdkAppId: 1400012345"));
    const v = await run(["config", "validate"], { cwd: dir, env: baseEnv(creds) });
    expect(v.stdout).toMatch(/\.trtcrc is valid \(profiles: production, staging; using production\)/);
    expect(v.code).toBe(0);
    expect((await run(["config", "path"], { cwd: dir, env: baseEnv() })).stdout.trim()).toBe(file);
  });

  it("config init refuses to overwrite (exit 2, naming --force); --force replaces the file, 0600 whatever its mode was", async () => {
    const dir = project({ ".trtcrc": "sdkAppId: 1400012345\n" });
    const file = join(dir, ".trtcrc");
    chmodSync(file, 0o644);
    const refused = await spawned(["config", "init"], { cwd: dir, env: baseEnv() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`error: ${file} already exists; not overwriting it\nhint: pass --force to replace it\n`);
    expect(readFileSync(file, "utf8")).toBe("sdkAppId: 1400012345\n");
    expect((await spawned(["config", "init", "--force"], { cwd: dir, env: baseEnv() })).code).toBe(0);
    expect(readFileSync(file, "utf8")).toContain("defaultProfile: production");
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("config init --user writes the user config file, where the search finds it from any directory", async () => {
    const env = baseEnv();
    const r = await spawned(["config", "init", "--user"], { cwd: project({}), env });
    expect(r.code).toBe(0);
    const file = join(env.XDG_CONFIG_HOME!, "trtc", "config.yaml");
    expect(r.stderr).toContain(`wrote ${file}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await run(["config", "path"], { cwd: project({}), env })).stdout.trim()).toBe(file);
    expect((await spawned(["config", "init", "--user"], { cwd: project({}), env })).code).toBe(2);
  });

  it("doctor checks config, credentials and clock with one signed read-only request", async () => {
    const dir = project({ ".trtcrc": profiles(emu.url) });
    const ok = await run(["doctor"], { cwd: dir, env: baseEnv(prodEnv) });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/✔ credentials accepted/);
    expect(ok.stdout).toMatch(/✔ clock: [+-]\d+ s/);
    const bad = await run(["doctor"], { cwd: dir, env: baseEnv({ ...prodEnv, PROD_KEY: "wrong" }) });
    expect(bad.code).toBe(4);
    expect(bad.stdout).toMatch(/✖ credentials rejected: AuthFailure.SignatureFailure/);
    const json = await run(["doctor", "--json"], { cwd: dir, env: baseEnv(prodEnv) });
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: true,
      checks: expect.arrayContaining([{ ok: true, message: expect.stringMatching(/^credentials accepted/) }]),
    });
    expect(emu.store.roomExists(1400000001, "numeric", 1)).toBe(true);
    expect(emu.requests.map((q) => q.action)).toEqual(["DescribeRoomInfo", "DescribeRoomInfo", "DescribeRoomInfo"]);
  });
});

describe("completion", () => {
  it("completion prints a bash script naming the commands", async () => {
    const r = await run(["completion", "bash"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("complete -o default -F _trtc_admin trtc-admin");
    expect(r.stdout).toContain("dismiss-room-by-str-room-id");
  });
});
