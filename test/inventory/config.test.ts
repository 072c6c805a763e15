import { describe, expect, it } from "vitest";
import { defaultInventoryUrl, resolveCallbackKey, resolveInventoryUrl } from "../../src/config/inventory.js";
import type { LoadedConfig } from "../../src/config/load.js";
import { resolveSettings } from "../../src/config/resolve.js";
import { validateConfig } from "../../src/config/schema.js";

const loaded = (raw: unknown, path = "/etc/trtc/.trtcrc"): LoadedConfig => ({ path, config: validateConfig(path, raw) });
const profiles = loaded({
  defaultProfile: "prod",
  profiles: { prod: { callbackKey: "${PROD_KEY}", inventory: "inv/prod.db" }, dev: { inventory: "postgres://u:p@db/trtc" } },
});

describe("callback key", () => {
  it("the environment wins over the default profile; an explicitly chosen profile keeps its own", () => {
    const env = { TRTC_CALLBACK_KEY: "fromEnv", PROD_KEY: "fromProfile" };
    expect(resolveCallbackKey(profiles, {}, env)).toBe("fromEnv");
    expect(resolveCallbackKey(profiles, { profile: "prod" }, env)).toBe("fromProfile");
    expect(resolveCallbackKey(profiles, {}, { ...env, TRTC_PROFILE: "prod" })).toBe("fromProfile");
    expect(resolveCallbackKey(profiles, { profile: "dev" }, env)).toBe("fromEnv");
  });

  it("missing, or an unset ${VAR}: a configuration error that names no secret", () => {
    expect(() => resolveCallbackKey(undefined, {}, {})).toThrow(expect.objectContaining({ code: "ConfigError", message: "no callback key" }));
    expect(() => resolveCallbackKey(profiles, { profile: "prod" }, {})).toThrow(/\$\{PROD_KEY\} is not set/);
  });

  it("is a known profile key", () => {
    expect(() => loaded({ callbackKey: 5 })).toThrow(/callbackKey: must be a non-empty string/);
  });

  it("is a secret: a key of the wrong type is described by its type, never echoed", () => {
    expect(() => loaded({ callbackKey: 87654321 })).toThrow(/callbackKey: must be a non-empty string \(got a number\)/);
    expect(() => loaded({ callbackKey: 87654321 })).not.toThrow(/87654321/);
  });

  it("is expanded only where it is used: a kick never needs the key's ${VAR}", () => {
    expect(resolveSettings(profiles, {}, { TENCENTCLOUD_SECRET_ID: "id", TENCENTCLOUD_SECRET_KEY: "key" }).profile).toBe("prod");
    expect(resolveCallbackKey(profiles, {}, { TRTC_CALLBACK_KEY: "fromEnv" })).toBe("fromEnv");
  });
});

describe("inventory URL", () => {
  const cwd = "/work/here";

  it("--inventory, then TRTC_INVENTORY, then the profile's, then the embedded default", () => {
    expect(resolveInventoryUrl(profiles, { inventory: "file:/a.db" }, { TRTC_INVENTORY: "file:/b.db" }, cwd)).toBe("file:/a.db");
    expect(resolveInventoryUrl(profiles, {}, { TRTC_INVENTORY: "postgres://db/x" }, cwd)).toBe("postgres://db/x");
    expect(resolveInventoryUrl(profiles, {}, {}, cwd)).toBe("file:/etc/trtc/inv/prod.db");
    expect(resolveInventoryUrl(profiles, { profile: "dev" }, {}, cwd)).toBe("postgres://u:p@db/trtc");
    expect(resolveInventoryUrl(undefined, {}, { HOME: "/home/op" }, cwd)).toBe("file:/home/op/.local/state/trtc-admin/inventory.db");
  });

  it("the default follows XDG_STATE_HOME when it is absolute", () => {
    expect(defaultInventoryUrl({ XDG_STATE_HOME: "/var/state", HOME: "/home/op" })).toBe("file:/var/state/trtc-admin/inventory.db");
    expect(defaultInventoryUrl({ XDG_STATE_HOME: "relative", HOME: "/home/op" })).toBe("file:/home/op/.local/state/trtc-admin/inventory.db");
  });

  it("a bare path is a file relative to the working directory; another scheme is refused (from the flag a usage error, from the environment or profile a config error)", () => {
    expect(resolveInventoryUrl(undefined, { inventory: "x/inv.db" }, {}, cwd)).toBe("file:/work/here/x/inv.db");
    expect(() => resolveInventoryUrl(undefined, { inventory: "mysql://db/x" }, {}, cwd)).toThrow(expect.objectContaining({ code: "UsageError" }));
    expect(() => resolveInventoryUrl(undefined, {}, { TRTC_INVENTORY: "redis://x" }, cwd)).toThrow(expect.objectContaining({ code: "ConfigError" }));
    expect(() => resolveInventoryUrl(loaded({ inventory: "http://x" }), {}, {}, cwd)).toThrow(expect.objectContaining({ code: "ConfigError" }));
  });
});
