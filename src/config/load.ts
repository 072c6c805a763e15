import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError } from "../errors.js";
import { validateConfig, type ConfigFile } from "./schema.js";

export const SEARCH_PLACES = [
  "package.json",
  ".trtcrc",
  ".trtcrc.json",
  ".trtcrc.yaml",
  ".trtcrc.yml",
  ".trtcrc.js",
  ".trtcrc.mjs",
  ".trtcrc.cjs",
  "trtc.config.js",
  "trtc.config.mjs",
  "trtc.config.cjs",
];

export interface LoadedConfig {
  path: string;
  config: ConfigFile;
}

/**
 * Loads --config/TRTC_CONFIG when given, else searches from `cwd` upward and then
 * the user config directory ($XDG_CONFIG_HOME/trtc/). Returns undefined when none exists.
 */
export async function loadConfig(explicitPath: string | undefined, cwd: string): Promise<LoadedConfig | undefined> {
  const { cosmiconfig } = (await import("cosmiconfig")).default;
  const explorer = cosmiconfig("trtc", { searchPlaces: SEARCH_PLACES, searchStrategy: "global", cache: false });
  let found: { filepath: string; config: unknown; isEmpty?: boolean } | null;
  const target = explicitPath === undefined ? undefined : resolve(cwd, explicitPath);
  try {
    if (target !== undefined) {
      if (!existsSync(target)) throw new ConfigError(`config file ${target} does not exist`, "check --config / TRTC_CONFIG, or run `trtc-admin config init`");
      found = await explorer.load(target);
    } else {
      found = await explorer.search(cwd);
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const where = target ?? (err as { filepath?: string }).filepath ?? "config file";
    throw new ConfigError(`${where}: cannot be parsed: ${(err as Error).message.split("\n")[0]}`, "fix the syntax (YAML or JSON)");
  }
  if (!found) return undefined;
  return { path: found.filepath, config: validateConfig(found.filepath, found.isEmpty ? null : found.config) };
}
