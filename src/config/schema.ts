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
  region: (v) =>
    typeof v === "string" && (REGIONS.includes(v) || ENV_REF.test(v)) ? undefined : `must be one of ${REGIONS.join(", ")}`,
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fail(file: string, keyPath: string, problem: string, fix: string): never {
  throw new ConfigError(`${file}: ${keyPath}: ${problem}`, fix);
}

function validateProfile(file: string, path: string, raw: unknown): ProfileConfig {
  if (!isRecord(raw)) fail(file, path, "must be a mapping of profile settings", `write ${path} as key: value lines (see .trtcrc.example)`);
  for (const [key, value] of Object.entries(raw)) {
    const check = PROFILE_KEYS[key as keyof ProfileConfig];
    if (!check) fail(file, `${path}.${key}`, "unknown key", `remove it; profile keys are ${Object.keys(PROFILE_KEYS).join(", ")}`);
    const problem = check(value);
    if (problem) fail(file, `${path}.${key}`, `${problem} (got ${JSON.stringify(value)})`, `fix ${path}.${key}`);
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
  if (raw === null || raw === undefined) return { profiles: {} };
  if (!isRecord(raw)) fail(file, "(top level)", "must be a mapping", "see .trtcrc.example for the expected shape");
  if (!("profiles" in raw)) {
    const { auditLog, ...profile } = raw;
    if ("defaultProfile" in profile) fail(file, "defaultProfile", "only makes sense with a profiles mapping", "add profiles: or remove defaultProfile");
    const config: ConfigFile = { flat: true, profiles: { default: validateProfile(file, "(top level)", profile) } };
    if (auditLog !== undefined) config.auditLog = checkAuditLog(file, auditLog);
    return config;
  }
  for (const key of Object.keys(raw)) {
    if (!TOP_KEYS.includes(key)) fail(file, key, "unknown key", `move it under a profile in profiles:, or remove it; top-level keys are ${TOP_KEYS.join(", ")}`);
  }
  if (!isRecord(raw.profiles)) fail(file, "profiles", "must be a mapping of profile name to settings", "see .trtcrc.example");
  const profiles: Record<string, ProfileConfig> = {};
  for (const [name, value] of Object.entries(raw.profiles)) profiles[name] = validateProfile(file, `profiles.${name}`, value);
  const config: ConfigFile = { profiles };
  if (raw.defaultProfile !== undefined) {
    if (typeof raw.defaultProfile !== "string" || !(raw.defaultProfile in profiles)) {
      fail(file, "defaultProfile", `names no profile (got ${JSON.stringify(raw.defaultProfile)})`, `set it to one of: ${Object.keys(profiles).join(", ") || "(no profiles defined)"}`);
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
