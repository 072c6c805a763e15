import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { ConfigError, UsageError } from "../errors.js";
import { optionFromEnv } from "./env.js";
import type { LoadedConfig } from "./load.js";
import { expand, type GlobalFlags, selectProfile } from "./resolve.js";

/**
 * The callback signing key: the profile's `callbackKey` or TRTC_CALLBACK_KEY, with the credentials'
 * precedence (an explicitly chosen profile keeps its own key; otherwise the environment wins). Never a flag.
 */
export function resolveCallbackKey(loaded: LoadedConfig | undefined, flags: GlobalFlags, env: NodeJS.ProcessEnv): string {
  const { raw, explicit, path, file } = selectProfile(loaded, flags, env);
  // Only the key that wins is expanded: the one passed over needs no ${VAR}.
  const own = () => (raw?.callbackKey === undefined ? undefined : expand(raw.callbackKey, `${path}.callbackKey`, file, env));
  const fromEnv = env.TRTC_CALLBACK_KEY || undefined;
  const key = explicit ? (own() ?? fromEnv) : (fromEnv ?? own());
  if (!key)
    throw new ConfigError(
      "no callback key",
      "set callbackKey in the profile (it may be ${VAR}) or export TRTC_CALLBACK_KEY: the key from the TRTC console's callback settings",
    );
  return key;
}

/** The embedded default: $XDG_STATE_HOME/trtc-admin/inventory.db, ~/.local/state when unset. */
export function defaultInventoryUrl(env: NodeJS.ProcessEnv): string {
  const state = env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : join(env.HOME || homedir(), ".local/state");
  return `file:${join(state, "trtc-admin", "inventory.db")}`;
}

const POSTGRES = /^postgres(ql)?:\/\//i;

/** Why a file: URL cannot name a file, or undefined. A NUL would reach the driver, which aborts the process on it. */
function fileUrlProblem(value: string): string | undefined {
  const rest = value.slice("file:".length);
  if (rest.startsWith("//") && !rest.startsWith("///")) return "a file: URL names no host: write file:/abs/path, file:///abs/path or file:rel/path";
  let path: string;
  try {
    path = decodeURIComponent(rest.split("?")[0]!);
  } catch {
    return "its path has a malformed %-escape";
  }
  if (path.includes("\0")) return "its path contains a NUL byte (%00)";
  return undefined;
}

/**
 * Why a setting cannot name the inventory, or undefined. Never quotes the value: it may hold a
 * password. Whitespace, a control character or a "://" after anything but file: or postgres://
 * is refused rather than read as a file path (" postgres://u:pw@db" would become a file named after the password).
 */
function inventoryProblem(value: string): string | undefined {
  if (value === "") return "it is empty";
  if (value !== value.trim()) return "it has leading or trailing whitespace";
  if (/[\u0000-\u001f\u007f]/.test(value)) return "it contains a control character";
  if (POSTGRES.test(value)) return undefined;
  if (/^file:/i.test(value)) return fileUrlProblem(value);
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) || value.includes("://")) return "its scheme is not file: or postgres://";
  return undefined;
}

/** A file: or postgres:// URL; a bare path is a file relative to `base`. */
function normalise(value: string, base: string, home: string, fail: (why: string) => Error): string {
  const problem = inventoryProblem(value);
  if (problem !== undefined) throw fail(problem);
  if (POSTGRES.test(value) || /^file:/i.test(value)) return value;
  return `file:${resolve(base, value.replace(/^~(?=\/|$)/, home))}`;
}

/** --inventory, else TRTC_INVENTORY, else the profile's `inventory`, else the embedded file. */
export function resolveInventoryUrl(
  loaded: LoadedConfig | undefined,
  flags: GlobalFlags & { inventory?: string },
  env: NodeJS.ProcessEnv,
  cwd: string,
): string {
  const home = env.HOME || homedir();
  const hint = "use a file: URL, a postgres:// URL or a file path";
  if (flags.inventory !== undefined) return normalise(flags.inventory, cwd, home, (why) => new UsageError(`invalid --inventory: ${why}`, hint));
  const fromEnv = optionFromEnv(env, "inventory");
  if (fromEnv) return normalise(fromEnv, cwd, home, (why) => new ConfigError(`invalid TRTC_INVENTORY: ${why}`, hint));
  const { raw, path, file } = selectProfile(loaded, flags, env);
  if (raw?.inventory === undefined) return defaultInventoryUrl(env);
  // A relative path is relative to the config file, as auditLog is.
  const base = loaded ? resolve(loaded.path, "..") : cwd;
  const value = expand(raw.inventory, `${path}.inventory`, file, env);
  return normalise(value, base, home, (why) => new ConfigError(`${file}: ${path}.inventory: ${why}`, hint));
}

/** True when --inventory, TRTC_INVENTORY or the profile names the store (not the embedded default). */
export function inventoryIsExplicit(loaded: LoadedConfig | undefined, flags: GlobalFlags & { inventory?: string }, env: NodeJS.ProcessEnv): boolean {
  return flags.inventory !== undefined || Boolean(optionFromEnv(env, "inventory")) || selectProfile(loaded, flags, env).raw?.inventory !== undefined;
}
