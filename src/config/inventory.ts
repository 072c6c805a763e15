import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { ConfigError, UsageError } from "../errors.js";
import type { LoadedConfig } from "./load.js";
import type { GlobalFlags } from "./resolve.js";
import type { ProfileConfig } from "./schema.js";

/** The profile resolveSettings would use (it has already reported an unknown explicit one). */
function selectedProfile(
  loaded: LoadedConfig | undefined,
  flags: GlobalFlags,
  env: NodeJS.ProcessEnv,
): { profile: ProfileConfig; explicit: boolean; where: string } {
  const config = loaded?.config ?? { profiles: {} };
  const explicit = flags.profile ?? (env.TRTC_PROFILE || undefined);
  const name = explicit ?? config.defaultProfile ?? "default";
  const where = `${loaded?.path ?? "(no config file)"}: ${config.flat ? "(top level)" : `profiles.${name}`}`;
  return { profile: config.profiles[name] ?? {}, explicit: explicit !== undefined, where };
}

function expand(value: string, keyPath: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const found = env[name];
    if (!found) throw new ConfigError(`${keyPath}: \${${name}} is not set in the environment`, `export ${name}=…`);
    return found;
  });
}

/**
 * The callback signing key: the profile's `callbackKey` or TRTC_CALLBACK_KEY, with the credentials'
 * precedence (an explicitly chosen profile keeps its own key; otherwise the environment wins). Never a flag.
 */
export function resolveCallbackKey(loaded: LoadedConfig | undefined, flags: GlobalFlags, env: NodeJS.ProcessEnv): string {
  const { profile, explicit, where } = selectedProfile(loaded, flags, env);
  const own = profile.callbackKey === undefined ? undefined : expand(profile.callbackKey, `${where}.callbackKey`, env);
  const fromEnv = env.TRTC_CALLBACK_KEY || undefined;
  const key = explicit ? (own ?? fromEnv) : (fromEnv ?? own);
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
  if (env.TRTC_INVENTORY) return must(normalise(env.TRTC_INVENTORY, cwd, env.HOME || homedir()), new ConfigError(`invalid TRTC_INVENTORY: it ${problem}`));
  const { profile, where } = selectedProfile(loaded, flags, env);
  if (profile.inventory === undefined) return defaultInventoryUrl(env);
  // A relative path is relative to the config file, as auditLog is.
  const base = loaded ? resolve(loaded.path, "..") : cwd;
  return must(normalise(expand(profile.inventory, `${where}.inventory`, env), base, env.HOME || homedir()), new ConfigError(`${where}.inventory ${problem}`));
}
