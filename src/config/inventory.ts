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

/** A file: or postgres:// URL; a bare path is a file relative to `base`. */
function normalise(value: string, base: string, home: string): string | undefined {
  if (/^postgres(ql)?:\/\//i.test(value) || /^file:/i.test(value)) return value;
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return undefined;
  return `file:${resolve(base, value.replace(/^~(?=\/|$)/, home))}`;
}

function must(url: string | undefined, error: Error): string {
  if (url === undefined) throw error;
  return url;
}

/** --inventory, else TRTC_INVENTORY, else the profile's `inventory`, else the embedded file. */
export function resolveInventoryUrl(
  loaded: LoadedConfig | undefined,
  flags: GlobalFlags & { inventory?: string },
  env: NodeJS.ProcessEnv,
  cwd: string,
): string {
  const problem = "must be a file: URL, a postgres:// URL or a file path";
  if (flags.inventory !== undefined) return must(normalise(flags.inventory, cwd, env.HOME || homedir()), new UsageError(`invalid --inventory: it ${problem}`));
  const fromEnv = optionFromEnv(env, "inventory");
  if (fromEnv) return must(normalise(fromEnv, cwd, env.HOME || homedir()), new ConfigError(`invalid TRTC_INVENTORY: it ${problem}`));
  const { raw, path, file } = selectProfile(loaded, flags, env);
  if (raw?.inventory === undefined) return defaultInventoryUrl(env);
  // A relative path is relative to the config file, as auditLog is.
  const base = loaded ? resolve(loaded.path, "..") : cwd;
  const where = `${file}: ${path}.inventory`;
  return must(normalise(expand(raw.inventory, `${path}.inventory`, file, env), base, env.HOME || homedir()), new ConfigError(`${where} ${problem}`));
}

/** True when --inventory, TRTC_INVENTORY or the profile names the store (not the embedded default). */
export function inventoryIsExplicit(loaded: LoadedConfig | undefined, flags: GlobalFlags & { inventory?: string }, env: NodeJS.ProcessEnv): boolean {
  return flags.inventory !== undefined || Boolean(optionFromEnv(env, "inventory")) || selectProfile(loaded, flags, env).raw?.inventory !== undefined;
}
