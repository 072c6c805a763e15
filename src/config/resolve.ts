import { homedir } from "node:os";
import { dirname, resolve } from "node:path";
import { ConfigError, UsageError } from "../errors.js";
import type { RoomIdMode } from "../plan/types.js";
import { DEFAULT_ENDPOINT, DEFAULT_REGION, type Endpoint, parseEndpoint, REGIONS } from "../trtc/endpoint.js";
import { optionFromEnv } from "./env.js";
import type { LoadedConfig } from "./load.js";
import type { ProfileConfig } from "./schema.js";

/** Global options as commander parsed them; undefined when not given. */
export interface GlobalFlags {
  profile?: string;
  config?: string;
  sdkAppId?: string;
  region?: string;
  endpoint?: string;
}

export type Source = "flag" | "env" | "profile" | "default";

export type CredentialPlan =
  | { kind: "env" }
  | { kind: "profile"; secretId: string; secretKey: string; sessionToken?: string }
  | { kind: "command"; command: string }
  | { kind: "none" };

export interface Settings {
  configPath?: string;
  profile: string;
  sdkAppId?: number;
  sdkAppIdSource?: Source;
  region: string;
  regionSource: Source;
  endpoint: Endpoint;
  endpointSource: Source;
  roomIdMode: RoomIdMode;
  credentials: CredentialPlan;
  auditLog?: string;
}

/** `${VAR}` references in a config value, from the environment; an unset one is a configuration error. */
export function expand(value: string, keyPath: string, file: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const found = env[name];
    if (found === undefined || found === "") {
      throw new ConfigError(`${file}: ${keyPath}: \${${name}} is not set in the environment`, `export ${name}=… or write the value into ${keyPath}`);
    }
    return found;
  });
}

// Expanded by the commands that use them (events, rooms, bans), so a kick never needs their ${VAR}s.
const EXPANDED_WHEN_USED: readonly string[] = ["callbackKey", "inventory"];

function expandProfile(profile: ProfileConfig, path: string, file: string, env: NodeJS.ProcessEnv): ProfileConfig {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(profile)) {
    out[key] = typeof value === "string" && !EXPANDED_WHEN_USED.includes(key) ? expand(value, `${path}.${key}`, file, env) : value;
  }
  return out as ProfileConfig;
}

export interface SelectedProfile {
  name: string;
  /** Chosen with --profile or TRTC_PROFILE, so it keeps its own credentials and callback key. */
  explicit: boolean;
  /** The profile as written, ${VAR}s unexpanded; undefined when the config has no such profile. */
  raw: ProfileConfig | undefined;
  /** "profiles.<name>", or "(top level)" for a file without profiles. */
  path: string;
  /** The config file, for messages. */
  file: string;
}

/** The profile in use: --profile, TRTC_PROFILE, defaultProfile, "default". An unknown explicit one is exit 3. */
export function selectProfile(loaded: LoadedConfig | undefined, flags: GlobalFlags, env: NodeJS.ProcessEnv): SelectedProfile {
  const file = loaded?.path ?? "(no config file)";
  const config = loaded?.config ?? { profiles: {} };
  const explicit = flags.profile ?? optionFromEnv(env, "profile");
  const name = explicit ?? config.defaultProfile ?? "default";
  // Own keys only: "constructor" or "toString" must not find Object.prototype members.
  const raw = Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined;
  if (explicit !== undefined && !raw) {
    const known = Object.keys(config.profiles);
    throw new ConfigError(
      `unknown profile "${explicit}"${loaded ? ` in ${file}` : " (no config file found)"}`,
      known.length ? `choose one of: ${known.join(", ")}` : "create one with `trtc-admin config init`",
    );
  }
  return { name, explicit: explicit !== undefined, raw, path: config.flat ? "(top level)" : `profiles.${name}`, file };
}

function pick<T>(flag: T | undefined, envValue: T | undefined, profileValue: T | undefined): [T | undefined, Source] {
  if (flag !== undefined) return [flag, "flag"];
  if (envValue !== undefined && envValue !== "") return [envValue, "env"];
  if (profileValue !== undefined) return [profileValue, "profile"];
  return [undefined, "default"];
}

/** The one SdkAppId check, for config, flags, environment and the library's options. */
export function parseSdkAppId(value: string | number, source: Source, where: string): number {
  const text = String(value);
  if (/^[1-9][0-9]*$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  const message = `invalid SdkAppId "${text}" from ${where}: must be a positive integer`;
  throw source === "profile" ? new ConfigError(message, "fix sdkAppId in the profile") : new UsageError(message);
}

function endpointFrom(value: string, source: Source, keyPath: string): Endpoint {
  try {
    return parseEndpoint(value);
  } catch (err) {
    if (source !== "profile" || !(err instanceof UsageError)) throw err;
    throw new ConfigError(`${keyPath}: ${err.message}`, err.hint ?? "fix the endpoint in the profile");
  }
}

function envCredentialsPresent(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.TENCENTCLOUD_SECRET_ID && env.TENCENTCLOUD_SECRET_KEY);
}

function profileCredentials(profile: ProfileConfig): CredentialPlan | undefined {
  if (profile.credentialCommand) return { kind: "command", command: profile.credentialCommand };
  if (profile.secretId && profile.secretKey) {
    const plan: CredentialPlan = { kind: "profile", secretId: profile.secretId, secretKey: profile.secretKey };
    if (profile.sessionToken) plan.sessionToken = profile.sessionToken;
    return plan;
  }
  return undefined;
}

function checkRegion(region: string, source: Source, file: string): string {
  if (REGIONS.includes(region)) return region;
  const message = `unsupported region "${region}" (from ${source}): TRTC room actions accept ${REGIONS.join(", ")}`;
  throw source === "profile" ? new ConfigError(`${file}: ${message}`, "fix region in the profile") : new UsageError(message);
}

/** The flags' own values, checked before any config is read: their usage error (2) comes before a broken config's 3. */
export function checkFlagValues(flags: GlobalFlags): void {
  if (flags.region !== undefined) checkRegion(flags.region, "flag", "");
  if (flags.endpoint !== undefined) parseEndpoint(flags.endpoint);
  if (flags.sdkAppId !== undefined) parseSdkAppId(flags.sdkAppId, "flag", "--sdk-app-id");
}

/**
 * Merges flags, environment and the config file. An explicitly chosen profile keeps
 * its own credentials even when the environment has others; without one, the
 * environment's credentials win over the default profile's.
 */
export function resolveSettings(loaded: LoadedConfig | undefined, flags: GlobalFlags, env: NodeJS.ProcessEnv): Settings {
  const config = loaded?.config ?? { profiles: {} };
  const { name: profileName, explicit, raw: rawProfile, path: profilePath, file } = selectProfile(loaded, flags, env);
  const profile = rawProfile ? expandProfile(rawProfile, profilePath, file, env) : {};

  const [appIdValue, sdkAppIdSource] = pick<string | number>(flags.sdkAppId, optionFromEnv(env, "sdkAppId"), profile.sdkAppId);
  const [regionValue, regionSource] = pick(flags.region, optionFromEnv(env, "region"), profile.region);
  const region = checkRegion(regionValue ?? DEFAULT_REGION, regionSource, file);
  const [endpointValue, endpointSource] = pick(flags.endpoint, optionFromEnv(env, "endpoint"), profile.endpoint);

  let credentials: CredentialPlan = { kind: "none" };
  const own = profileCredentials(profile);
  if (explicit) credentials = own ?? (envCredentialsPresent(env) ? { kind: "env" } : credentials);
  else credentials = envCredentialsPresent(env) ? { kind: "env" } : (own ?? credentials);

  const settings: Settings = {
    profile: profileName,
    region,
    regionSource,
    endpoint: endpointFrom(endpointValue ?? DEFAULT_ENDPOINT, endpointSource, `${file}: ${profilePath}.endpoint`),
    endpointSource,
    roomIdMode: profile.roomIdType ?? "auto",
    credentials,
  };
  if (loaded) settings.configPath = loaded.path;
  if (appIdValue !== undefined) {
    settings.sdkAppId = parseSdkAppId(
      appIdValue,
      sdkAppIdSource,
      sdkAppIdSource === "profile" ? `${file} profile ${profileName}` : sdkAppIdSource === "flag" ? "--sdk-app-id" : "TRTC_SDK_APP_ID",
    );
    settings.sdkAppIdSource = sdkAppIdSource;
  }
  if (config.auditLog && loaded) {
    const path = expand(config.auditLog, "auditLog", file, env);
    if (path !== path.trim()) throw new ConfigError(`${file}: auditLog has leading or trailing whitespace`, "remove it");
    // A relative path is relative to the config file, so the log does not move with the working directory.
    settings.auditLog = resolve(dirname(loaded.path), path.replace(/^~(?=\/|$)/, env.HOME || homedir()));
  }
  return settings;
}

export function requireSdkAppId(settings: Settings): number {
  if (settings.sdkAppId === undefined) {
    throw new ConfigError(`no SdkAppId for profile "${settings.profile}"`, "set sdkAppId in the profile, TRTC_SDK_APP_ID, or pass --sdk-app-id");
  }
  return settings.sdkAppId;
}
