import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { type GlobalFlags, resolveSettings } from "../../src/config/resolve.js";
import { validateConfig } from "../../src/config/schema.js";
import { ConfigError, UsageError } from "../../src/errors.js";

const FILE = {
  path: "/x/.trtcrc",
  config: validateConfig("/x/.trtcrc", {
    defaultProfile: "production",
    profiles: {
      production: { sdkAppId: 1400000001, region: "ap-guangzhou", roomIdType: "numeric", secretId: "${PROD_ID}", secretKey: "${PROD_KEY}" },
      staging: {
        sdkAppId: 1400000002,
        endpoint: "trtc.intl.tencentcloudapi.com",
        region: "ap-singapore",
        roomIdType: "string",
        credentialCommand: "pass show trtc/staging",
      },
      bare: { sdkAppId: 1400000003 },
    },
  }),
};
const ENV_CREDS = { TENCENTCLOUD_SECRET_ID: "env-id", TENCENTCLOUD_SECRET_KEY: "env-key" };
const PROD_ENV = { PROD_ID: "prod-id", PROD_KEY: "prod-key" };

const resolve = (flags: GlobalFlags, env: NodeJS.ProcessEnv, file: typeof FILE | undefined = FILE) => resolveSettings(file, flags, env);

describe("profile and credential precedence", () => {
  it("uses defaultProfile, with env credentials overriding it when no profile was chosen", () => {
    const s = resolve({}, { ...ENV_CREDS, ...PROD_ENV });
    expect(s.profile).toBe("production");
    expect(s.credentials).toEqual({ kind: "env" });
  });
  it("uses the default profile's own credentials when the environment has none", () => {
    expect(resolve({}, PROD_ENV).credentials).toEqual({ kind: "profile", secretId: "prod-id", secretKey: "prod-key" });
  });
  it("an explicit --profile keeps its own credentials over the environment", () => {
    const s = resolve({ profile: "staging" }, ENV_CREDS);
    expect(s.credentials).toEqual({ kind: "command", command: "pass show trtc/staging" });
    expect(s).toMatchObject({
      sdkAppId: 1400000002,
      region: "ap-singapore",
      roomIdMode: "string",
      endpoint: { url: "https://trtc.intl.tencentcloudapi.com/" },
    });
  });
  it("TRTC_PROFILE counts as explicit too", () => {
    expect(resolve({}, { ...ENV_CREDS, ...PROD_ENV, TRTC_PROFILE: "production" }).credentials.kind).toBe("profile");
  });
  it("an explicit profile without credentials falls back to the environment", () => {
    expect(resolve({ profile: "bare" }, ENV_CREDS).credentials).toEqual({ kind: "env" });
  });
  it("flags beat env beat profile for SdkAppId, region and endpoint", () => {
    const env = { ...PROD_ENV, TRTC_SDK_APP_ID: "1400000009", TENCENTCLOUD_REGION: "ap-beijing", TRTC_ENDPOINT: "http://127.0.0.1:1" };
    expect(resolve({}, env)).toMatchObject({ sdkAppId: 1400000009, sdkAppIdSource: "env", region: "ap-beijing", endpointSource: "env" });
    expect(resolve({ sdkAppId: "7", region: "ap-singapore", endpoint: "trtc.intl.tencentcloudapi.com" }, env)).toMatchObject({
      sdkAppId: 7,
      region: "ap-singapore",
      endpointSource: "flag",
    });
  });
  it("defaults without any config", () => {
    const s = resolveSettings(undefined, {}, {});
    expect(s).toMatchObject({ profile: "default", region: "ap-guangzhou", roomIdMode: "auto", credentials: { kind: "none" } });
    expect(s.endpoint.url).toBe("https://trtc.tencentcloudapi.com/");
  });
});

describe("errors", () => {
  it("an unknown explicit profile is a config error listing the known ones", () => {
    expect(() => resolve({ profile: "nope" }, {})).toThrow(ConfigError);
    expect(() => resolve({ profile: "nope" }, {})).toThrow(/unknown profile "nope"/);
  });
  it("an unresolved ${VAR} names the file, key path and variable", () => {
    expect(() => resolve({}, {})).toThrow("/x/.trtcrc: profiles.production.secretId: ${PROD_ID} is not set");
  });
  it("a bad region from a flag is a usage error, from the profile a config error", () => {
    const thrown = (fn: () => unknown): unknown => {
      try {
        fn();
      } catch (err) {
        return err;
      }
      throw new Error("did not throw");
    };
    const fromFlag = thrown(() => resolve({ region: "ap-tokyo" }, PROD_ENV));
    expect(fromFlag).toBeInstanceOf(UsageError);
    expect(fromFlag).toMatchObject({ code: "UsageError", message: expect.stringMatching(/unsupported region "ap-tokyo"/) });
    const fromProfile = thrown(() => validateConfig("f", { profiles: { a: { sdkAppId: 1, region: "ap-tokyo" } } }));
    expect(fromProfile).toBeInstanceOf(ConfigError);
    expect(fromProfile).not.toBeInstanceOf(UsageError);
    expect(fromProfile).toMatchObject({ code: "ConfigError", message: expect.stringMatching(/^f: profiles\.a\.region: must be one of/) });
    const fromTopLevel = thrown(() => validateConfig("f", { region: "ap-tokyo" }));
    expect(fromTopLevel).toBeInstanceOf(ConfigError);
    expect(fromTopLevel).toMatchObject({ code: "ConfigError", message: expect.stringMatching(/^f: \(top level\)\.region: must be one of/) });
  });
  it("a plain-http endpoint in a profile is a config error naming the key", () => {
    const loaded = { path: "f", config: validateConfig("f", { sdkAppId: 1, endpoint: "http://example.com" }) };
    expect(() => resolveSettings(loaded, {}, {})).toThrow(ConfigError);
    expect(() => resolveSettings(loaded, {}, {})).toThrow(/^f: \(top level\)\.endpoint: refusing plain http/);
    expect(() => resolveSettings(loaded, { endpoint: "http://example.com" }, {})).toThrow(UsageError);
  });
  it.each([
    [{ profiles: { a: { sdkAppid: 1 } } }, /profiles\.a\.sdkAppid: unknown key/],
    [{ profiles: { a: { sdkAppId: "abc" } } }, /profiles\.a\.sdkAppId: must be a positive integer/],
    [{ profiles: { a: { roomIdType: "text" } } }, /profiles\.a\.roomIdType: must be "numeric" or "string"/],
    [{ profiles: { a: { secretId: "x" } } }, /profiles\.a: secretId and secretKey must be given together/],
    [{ defaultProfile: "b", profiles: { a: {} } }, /defaultProfile: names no profile/],
    [{ profiles: {}, extra: 1 }, /extra: unknown key/],
    [{ profiles: [] }, /profiles: must be a mapping/],
  ])("rejects %j", (raw, message) => {
    expect(() => validateConfig("f", raw)).toThrow(message);
  });
  it("a file without profiles is the default profile", () => {
    expect(validateConfig("f", { sdkAppId: 5 }).profiles).toEqual({ default: { sdkAppId: 5 } });
  });
});

describe("loading config files", () => {
  it("finds .trtcrc upward from the working directory, YAML or JSON", async () => {
    const root = mkdtempSync(join(tmpdir(), "trtc-load-"));
    const deep = join(root, "a", "b");
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(root, ".trtcrc"), "sdkAppId: 1400000005\n");
    const loaded = await loadConfig(undefined, deep);
    expect(loaded?.path).toBe(join(root, ".trtcrc"));
    expect(loaded?.config.profiles.default).toEqual({ sdkAppId: 1400000005 });
  });
  it("reports a parse error with the file name", async () => {
    const root = mkdtempSync(join(tmpdir(), "trtc-load-"));
    writeFileSync(join(root, ".trtcrc.json"), "{ not json");
    await expect(loadConfig(undefined, root)).rejects.toThrow(/\.trtcrc\.json: cannot be parsed/);
  });
  it("an explicit path that does not exist is a config error", async () => {
    await expect(loadConfig("/nonexistent/trtc.yaml", "/")).rejects.toThrow(ConfigError);
  });
  it("finds .config/trtcrc and its variants upward, after the directory's own .trtcrc", async () => {
    const root = mkdtempSync(join(tmpdir(), "trtc-load-"));
    const deep = join(root, "a", "b");
    mkdirSync(join(root, ".config"));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(root, ".config", "trtcrc"), "sdkAppId: 1400000011\n");
    expect(await loadConfig(undefined, deep)).toMatchObject({
      path: join(root, ".config", "trtcrc"),
      config: { profiles: { default: { sdkAppId: 1400000011 } } },
    });
    writeFileSync(join(root, ".config", "trtcrc"), "");
    writeFileSync(join(root, ".config", "trtcrc.json"), '{"sdkAppId": 1400000012}');
    expect((await loadConfig(undefined, deep))?.path).toBe(join(root, ".config", "trtcrc.json"));
    writeFileSync(join(root, ".trtcrc.yml"), "sdkAppId: 1400000013\n");
    expect((await loadConfig(undefined, deep))?.path).toBe(join(root, ".trtcrc.yml"));
  });
  it("searches up to the home directory only, then the user config directory ($XDG_CONFIG_HOME/trtc, default ~/.config/trtc)", async () => {
    const root = mkdtempSync(join(tmpdir(), "trtc-load-"));
    const home = join(root, "home");
    const project = join(home, "project");
    mkdirSync(join(home, ".config", "trtc"), { recursive: true });
    mkdirSync(join(root, "xdg", "trtc"), { recursive: true });
    mkdirSync(project);
    // Above the home directory: never searched.
    writeFileSync(join(root, ".trtcrc"), "sdkAppId: 1400000020\n");
    expect(await loadConfig(undefined, project, { HOME: home })).toBeUndefined();
    writeFileSync(join(home, ".config", "trtc", "config.yaml"), "sdkAppId: 1400000021\n");
    writeFileSync(join(root, "xdg", "trtc", "config.json"), '{"sdkAppId": 1400000022}');
    expect(await loadConfig(undefined, project, { HOME: home })).toMatchObject({
      path: join(home, ".config", "trtc", "config.yaml"),
      config: { profiles: { default: { sdkAppId: 1400000021 } } },
    });
    expect((await loadConfig(undefined, project, { HOME: home, XDG_CONFIG_HOME: join(root, "xdg") }))?.path).toBe(join(root, "xdg", "trtc", "config.json"));
    // The project's own config comes first.
    writeFileSync(join(project, "trtc.config.cjs"), "module.exports = { sdkAppId: 1400000023 };");
    expect((await loadConfig(undefined, project, { HOME: home, XDG_CONFIG_HOME: join(root, "xdg") }))?.path).toBe(join(project, "trtc.config.cjs"));
  });
  it("a config's $import (cosmiconfig's include) is an unknown key, and imports nothing", async () => {
    const root = mkdtempSync(join(tmpdir(), "trtc-load-"));
    writeFileSync(join(root, "base.yaml"), "sdkAppId: 1400000030\n");
    writeFileSync(join(root, ".trtcrc"), "$import: base.yaml\n");
    await expect(loadConfig(undefined, root, { HOME: root })).rejects.toThrow(`${join(root, ".trtcrc")}: (top level).$import: unknown key`);
  });
});

describe("profile names are own keys only (audit #7.6)", () => {
  it.each(["constructor", "toString", "hasOwnProperty", "__proto__", "valueOf"])("--profile %s is an unknown profile", (name) => {
    expect(() => resolve({ profile: name }, ENV_CREDS)).toThrow(`unknown profile "${name}"`);
    expect(() => resolveSettings(undefined, { profile: name }, ENV_CREDS)).toThrow(ConfigError);
  });
  it.each(["constructor", "toString", "__proto__"])("defaultProfile: %s names no profile", (name) => {
    expect(() => validateConfig("f", { defaultProfile: name, profiles: { a: {} } })).toThrow(/f: defaultProfile: names no profile/);
  });
  it.each(["constructor", "toString", "__proto__"])("a profile key %s is an unknown key", (key) => {
    const raw = JSON.parse(`{"sdkAppId": 1, "${key}": {"x": 1}}`);
    expect(() => validateConfig("f", raw)).toThrow(ConfigError);
    expect(() => validateConfig("f", raw)).toThrow(`f: (top level).${key}: unknown key`);
  });
  it("a top-level __proto__ key is an unknown key, and pollutes nothing", () => {
    expect(() => validateConfig("f", JSON.parse('{"profiles": {}, "__proto__": {"auditLog": "x"}}'))).toThrow("f: __proto__: unknown key");
    expect(({} as Record<string, unknown>).auditLog).toBeUndefined();
  });
  it("a profile named __proto__ is just a name: it neither replaces the prototype nor lends its keys as profiles", () => {
    const config = validateConfig("f", JSON.parse('{"profiles": {"__proto__": {"sdkAppId": 1400000007}}}'));
    expect(Object.keys(config.profiles)).toEqual(["__proto__"]);
    expect(resolveSettings({ path: "f", config }, { profile: "__proto__" }, {}).sdkAppId).toBe(1400000007);
    expect(() => resolveSettings({ path: "f", config }, { profile: "sdkAppId" }, ENV_CREDS)).toThrow('unknown profile "sdkAppId"');
  });
});

describe("secrets stay out of messages (audit #7.9)", () => {
  it.each([
    ["secretId", 12345678, "a number"],
    ["secretKey", 87654321, "a number"],
    ["secretKey", true, "a boolean"],
    ["secretKey", ["s3cr3t"], "a list"],
    ["sessionToken", 55555555, "a number"],
  ])("a %s of the wrong type prints its type, not its value", (key, value, type) => {
    const raw = { sdkAppId: 1, secretId: "id", secretKey: "key", [key]: value };
    expect(() => validateConfig("f", raw)).toThrow(`f: (top level).${key}: must be a non-empty string (got ${type})`);
    try {
      validateConfig("f", raw);
    } catch (err) {
      expect((err as Error).message).not.toMatch(/12345678|87654321|s3cr3t|55555555|true/);
    }
  });
  it("other wrong values are still shown, shortly", () => {
    expect(() => validateConfig("f", { roomIdType: "text" })).toThrow('(got "text")');
    expect(() => validateConfig("f", { region: "x".repeat(100) })).toThrow(/\(got "x{36}\.\.\."\)$/);
  });
  it.each([
    "https://alice:pa55@example.com",
    "alice:pa55@example.com",
    "http://alice:pa55@127.0.0.1:9000",
    "https://alice:pa55@example.com/path",
    "https://alice:pa55@exa mple.com",
  ])("an endpoint with user:password (%s) is refused without echoing them", (value) => {
    expect(() => resolveSettings(undefined, { endpoint: value }, {})).toThrow(UsageError);
    try {
      resolveSettings(undefined, { endpoint: value }, {});
    } catch (err) {
      expect((err as Error).message).not.toMatch(/alice|pa55/);
      expect((err as Error).message).toContain("***@");
    }
  });
});

/** A classic nine-level "billion laughs": nine aliases per level, about 9^9 strings once expanded. */
const LOL_BOMB = `sdkAppId:\n  - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n${[..."bcdefghi"].map((n, i) => `  - &${n} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(", ")}]\n`).join("")}`;

describe("loading: hostile or broken files (audit #7.8, #7.15)", () => {
  const dirWith = (files: Record<string, string>) => {
    const root = mkdtempSync(join(tmpdir(), "trtc-load-"));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
    return root;
  };
  it("a YAML alias bomb is refused quickly as a config error", async () => {
    const started = Date.now();
    await expect(loadConfig(undefined, dirWith({ ".trtcrc": LOL_BOMB }))).rejects.toThrow(
      /\.trtcrc: cannot be parsed: YAML aliases expand it to more than 10000 values/,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });
  it("a YAML value that contains itself is refused", async () => {
    await expect(loadConfig(undefined, dirWith({ ".trtcrc": "sdkAppId: &a [*a]\n" }))).rejects.toThrow(
      /cannot be parsed: a YAML alias refers to a value that contains it/,
    );
  });
  it("anchors and merge keys that share settings still work", async () => {
    const text = "base: &base {sdkAppId: 1400000001, region: ap-beijing}\n";
    const loaded = await loadConfig(
      undefined,
      dirWith({ ".trtcrc": `profiles:\n  a:\n    <<: {sdkAppId: 1400000001, region: ap-beijing}\n  b: &b {sdkAppId: 2}\n  c: *b\n` }),
    );
    expect(loaded?.config.profiles.a).toEqual({ sdkAppId: 1400000001, region: "ap-beijing" });
    expect(loaded?.config.profiles.c).toEqual({ sdkAppId: 2 });
    await expect(loadConfig(undefined, dirWith({ ".trtcrc": text }))).rejects.toThrow(/base: unknown key/);
  });
  it.each([
    [".trtcrc", "__proto__: {sdkAppId: 1}\nsdkAppId: 1\n", /\(top level\)\.__proto__: unknown key/],
    [".trtcrc.json", '{"sdkAppId": 1, "__proto__": {"sdkAppId": 2}}', /\(top level\)\.__proto__: unknown key/],
    [".trtcrc", "profiles:\n  a:\n    __proto__: {region: ap-beijing}\n", /profiles\.a\.__proto__: unknown key/],
  ])("a __proto__ key in %s is an unknown key", async (name, text, message) => {
    await expect(loadConfig(undefined, dirWith({ [name]: text }))).rejects.toThrow(message);
    expect(({} as Record<string, unknown>).sdkAppId ?? ({} as Record<string, unknown>).region).toBeUndefined();
  });
  it("a config that is a directory is reported as unreadable, found or named", async () => {
    const root = dirWith({});
    mkdirSync(join(root, ".trtcrc"));
    await expect(loadConfig(undefined, root)).rejects.toThrow(`${join(root, ".trtcrc")}: cannot be read: EISDIR`);
    await expect(loadConfig(join(root, ".trtcrc"), "/")).rejects.toThrow(`${join(root, ".trtcrc")}: cannot be read: EISDIR`);
  });
  it("a config over 1 MiB is refused unread", async () => {
    await expect(loadConfig(undefined, dirWith({ ".trtcrc": `sdkAppId: 1\n#${"x".repeat(1024 * 1024)}\n` }))).rejects.toThrow(
      /\.trtcrc: cannot be read: it is larger than 1 MiB/,
    );
  });
  it("a FIFO named .trtcrc is refused, not waited on", async () => {
    const root = dirWith({});
    execFileSync("mkfifo", [join(root, ".trtcrc")]);
    await expect(loadConfig(undefined, root)).rejects.toThrow(/\.trtcrc: cannot be read: it is not a regular file/);
  });
  it("a package.json that is not valid JSON is skipped unless it seems to have a trtc key", async () => {
    const root = dirWith({ ".trtcrc": "sdkAppId: 1400000005\n" });
    const sub = join(root, "pkg");
    mkdirSync(sub);
    writeFileSync(join(sub, "package.json"), "{");
    expect((await loadConfig(undefined, sub))?.path).toBe(join(root, ".trtcrc"));
    writeFileSync(join(sub, "package.json"), '{"name": "x", "trtc": {"sdkAppId": 1,}}');
    await expect(loadConfig(undefined, sub)).rejects.toThrow(
      `${join(sub, "package.json")}: cannot be parsed: Expected double-quoted property name (line 1, column 38)`,
    );
    writeFileSync(join(sub, "package.json"), '{"name": "x", "trtc": {"sdkAppId": 1400000006}}');
    expect((await loadConfig(undefined, sub))?.config.profiles.default).toEqual({ sdkAppId: 1400000006 });
  });
  it("JavaScript configs load, and one that throws is a config error with its message", async () => {
    expect((await loadConfig(undefined, dirWith({ ".trtcrc.cjs": "module.exports = { sdkAppId: 1400000009 };" })))?.config.profiles.default).toEqual({
      sdkAppId: 1400000009,
    });
    await expect(loadConfig(undefined, dirWith({ "trtc.config.mjs": 'throw new Error("boom");' }))).rejects.toThrow(
      /trtc\.config\.mjs: cannot be loaded: boom$/,
    );
  });
  it.each([
    [".trtcrc", "profiles:\n  a:\n    sdkAppId: 1\n   region: x\n", "cannot be parsed: bad indentation of a mapping entry (line 4, column 4)"],
    [".trtcrc.yaml", "sdkAppId: 1\nsdkAppId: 2\n", "cannot be parsed: duplicated mapping key (line 2, column 1)"],
    [".trtcrc.json", '{\n  "sdkAppId": 1,\n}\n', "cannot be parsed: Expected double-quoted property name (line 3, column 1)"],
    [".trtcrc.json", '{"secretKey": s3cr3t}', "cannot be parsed: Unexpected token 's' (line 1, column 15)"],
    [".trtcrc.json", '{\n  "secretKey": "s3cr3t",\n  "region": }\n', "cannot be parsed: Unexpected token '}' (line 3, column 13)"],
    [
      ".trtcrc.json",
      '{\n  "secretKey": "s3cr3t",\n  "sdkAppId": 1\n}\n}',
      "cannot be parsed: Unexpected non-whitespace character after JSON (line 5, column 1)",
    ],
    [".trtcrc.json", '{\n  "secretKey": "s3cr3t",\n  "sdkAppId": tru', "cannot be parsed: Unexpected end of JSON input (line 3, column 18)"],
    ["package.json", '{"trtc": {\n  "secretKey": "s3cr3t" "region": "x"}}', "cannot be parsed: Expected ',' or '}' after property value (line 2, column 25)"],
  ])("a parse error in %s keeps the parser's reason, and its line and column", async (name, text, message) => {
    const err = await loadConfig(undefined, dirWith({ [name]: text })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(new RegExp(`${name.replace(/\./g, "\\.")}: ${message.replace(/[()]/g, "\\$&")}$`));
    expect((err as Error).message).not.toContain("s3cr3t");
  });
});
