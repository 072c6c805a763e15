import { ConfigError } from "../errors.js";
import { REGIONS } from "../trtc/endpoint.js";

export interface ProfileConfig {
  sdkAppId?: number | string;
  region?: string;
  endpoint?: string;
  roomIdType?: "numeric" | "string";
  secretId?: string;
  secretKey?: string;
  sessionToken?: string;
  credentialCommand?: string;
  callbackKey?: string;
  inventory?: string;
}

export interface ConfigFile {
  /** True for a file without `profiles`: its top level is the "default" profile. */
  flat?: boolean;
  defaultProfile?: string;
  profiles: Record<string, ProfileConfig>;
  auditLog?: string;
}

type Check = (value: unknown) => string | undefined;

const isString: Check = (v) => (typeof v === "string" && v.length > 0 ? undefined : "must be a non-empty string");
const ENV_REF = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/;

/** What each profile key accepts, and the message shown when it does not. */
const PROFILE_KEYS: Record<keyof ProfileConfig, Check> = {
  sdkAppId: (v) =>
    (typeof v === "number" && Number.isSafeInteger(v) && v > 0) || (typeof v === "string" && (/^[1-9][0-9]*$/.test(v) || ENV_REF.test(v)))
      ? undefined
      : "must be a positive integer (your TRTC application's SdkAppId)",
  region: (v) => (typeof v === "string" && (REGIONS.includes(v) || ENV_REF.test(v)) ? undefined : `must be one of ${REGIONS.join(", ")}`),
  endpoint: isString,
  roomIdType: (v) => (v === "numeric" || v === "string" ? undefined : 'must be "numeric" or "string"'),
  secretId: isString,
  secretKey: isString,
  sessionToken: isString,
  credentialCommand: isString,
  callbackKey: isString,
  inventory: isString,
};

const TOP_KEYS = ["defaultProfile", "profiles", "auditLog"];
/** Keys whose value is never echoed, even when it has the wrong type. */
const SECRET_KEYS: readonly string[] = ["secretId", "secretKey", "sessionToken", "credentialCommand", "callbackKey"];

/**
 * What a wrong value was, for messages: short scalars as written, everything else by type,
 * so neither a secret nor a huge (or self-referencing) YAML structure is printed.
 */
function describe(value: unknown, secret: boolean): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (value instanceof Date) return "a date";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string" && value === "") return "an empty string";
  if (secret) return `a ${typeof value}`;
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 40 ? `${text.slice(0, 37)}..."` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fail(file: string, keyPath: string, problem: string, fix: string): never {
  throw new ConfigError(`${file}: ${keyPath}: ${problem}`, fix);
}

function validateProfile(file: string, path: string, raw: unknown): ProfileConfig {
  if (!isRecord(raw)) fail(file, path, "must be a mapping of profile settings", `write ${path} as key: value lines (see .trtcrc.example)`);
  for (const [key, value] of Object.entries(raw)) {
    const check = Object.hasOwn(PROFILE_KEYS, key) ? PROFILE_KEYS[key as keyof ProfileConfig] : undefined;
    if (!check) fail(file, `${path}.${key}`, "unknown key", `remove it; profile keys are ${Object.keys(PROFILE_KEYS).join(", ")}`);
    const problem = check(value);
    if (problem) fail(file, `${path}.${key}`, `${problem} (got ${describe(value, SECRET_KEYS.includes(key))})`, `fix ${path}.${key}`);
  }
  const profile = raw as ProfileConfig;
  if ((profile.secretId === undefined) !== (profile.secretKey === undefined)) {
    fail(file, path, "secretId and secretKey must be given together", `add the missing one to ${path} or remove both`);
  }
  if (profile.credentialCommand !== undefined && profile.secretId !== undefined) {
    fail(file, path, "has both credentialCommand and secretId/secretKey", `keep one credential source in ${path}`);
  }
  if (profile.sessionToken !== undefined && profile.secretId === undefined) {
    fail(file, `${path}.sessionToken`, "needs secretId and secretKey beside it", `add them to ${path} or remove sessionToken`);
  }
  return profile;
}

/** Checks a loaded config document; a file without `profiles` is one profile named "default". */
export function validateConfig(file: string, raw: unknown): ConfigFile {
  if (raw === null || raw === undefined) return { profiles: Object.create(null) };
  if (!isRecord(raw)) fail(file, "(top level)", "must be a mapping", "see .trtcrc.example for the expected shape");
  if (!Object.hasOwn(raw, "profiles")) {
    const { auditLog, ...profile } = raw;
    if (Object.hasOwn(profile, "defaultProfile"))
      fail(file, "defaultProfile", "only makes sense with a profiles mapping", "add profiles: or remove defaultProfile");
    const profiles: Record<string, ProfileConfig> = Object.create(null);
    profiles.default = validateProfile(file, "(top level)", profile);
    const config: ConfigFile = { flat: true, profiles };
    if (auditLog !== undefined) config.auditLog = checkAuditLog(file, auditLog);
    return config;
  }
  for (const key of Object.keys(raw)) {
    if (!TOP_KEYS.includes(key))
      fail(file, key, "unknown key", `move it under a profile in profiles:, or remove it; top-level keys are ${TOP_KEYS.join(", ")}`);
  }
  if (!isRecord(raw.profiles)) fail(file, "profiles", "must be a mapping of profile name to settings", "see .trtcrc.example");
  // No prototype: a profile named "constructor" or "__proto__" is just a name, never Object.prototype.
  const profiles: Record<string, ProfileConfig> = Object.create(null);
  for (const [name, value] of Object.entries(raw.profiles)) profiles[name] = validateProfile(file, `profiles.${name}`, value);
  const config: ConfigFile = { profiles };
  if (raw.defaultProfile !== undefined) {
    if (typeof raw.defaultProfile !== "string" || !Object.hasOwn(profiles, raw.defaultProfile)) {
      fail(
        file,
        "defaultProfile",
        `names no profile (got ${describe(raw.defaultProfile, false)})`,
        `set it to one of: ${Object.keys(profiles).join(", ") || "(no profiles defined)"}`,
      );
    }
    config.defaultProfile = raw.defaultProfile;
  }
  if (raw.auditLog !== undefined) config.auditLog = checkAuditLog(file, raw.auditLog);
  return config;
}

function checkAuditLog(file: string, value: unknown): string {
  const problem = isString(value);
  if (problem) fail(file, "auditLog", problem, "give a file path, e.g. ~/.local/state/trtc-admin/audit.jsonl");
  return value as string;
}
