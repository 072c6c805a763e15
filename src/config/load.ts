import { accessSync, constants, statSync } from "node:fs";
import { realpath } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type CosmiconfigResult, getDefaultSearchPlaces, globalConfigSearchPlaces, type Loader } from "cosmiconfig";
import { Explorer } from "cosmiconfig/dist/Explorer.js";
import { ConfigError } from "../errors.js";
import { nativeImport } from "./native-import.js";
import { parseJson, parseYaml } from "./parse.js";
import { type ConfigFile, validateConfig } from "./schema.js";

const MODULE = "trtc";
/** cosmiconfig's own places, less TypeScript, which we do not load. */
const notTs = (place: string) => !place.endsWith(".ts");
const SEARCH_PLACES = getDefaultSearchPlaces(MODULE).filter(notTs);
const USER_PLACES = globalConfigSearchPlaces.filter(notTs);
const MAX_FILE_BYTES = 1024 * 1024;

export interface LoadedConfig {
  path: string;
  config: ConfigFile;
}

/** The directory cosmiconfig (env-paths) calls the user config directory for module "trtc", from the command's own environment. */
export function userConfigDir(env: NodeJS.ProcessEnv): string {
  const home = env.HOME || homedir();
  if (process.platform === "darwin") return join(home, "Library", "Preferences", "trtc");
  if (process.platform === "win32") return join(env.APPDATA || join(home, "AppData", "Roaming"), "trtc", "Config");
  return join(env.XDG_CONFIG_HOME || join(home, ".config"), "trtc");
}

const unreadable = (path: string, why: string) => new ConfigError(`${path}: cannot be read: ${why}`, "make it a readable file, or remove it");

/**
 * Whether `path` exists, refusing what cosmiconfig would skip (a directory, an unreadable file),
 * block on (a FIFO) or read whole (a huge file). Synchronous: cosmiconfig asks place by place,
 * and a thread-pool round trip for each of dozens of names cost more than the checks themselves.
 */
function checkReadable(path: string): boolean {
  try {
    const info = statSync(path);
    if (info.isDirectory()) throw unreadable(path, "EISDIR: it is a directory");
    if (!info.isFile()) throw unreadable(path, "it is not a regular file");
    if (info.size > MAX_FILE_BYTES) throw unreadable(path, "it is larger than 1 MiB");
    accessSync(path, constants.R_OK);
    return true;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const { code, message } = err as NodeJS.ErrnoException;
    if (code === "ENOENT" || code === "ENOTDIR") return false;
    throw unreadable(path, message);
  }
}

/** cosmiconfig's `$import` would read further files; the schema has no such key. */
function ownConfig(path: string, value: unknown): unknown {
  if (typeof value === "object" && value !== null && Object.hasOwn(value, "$import"))
    throw new ConfigError(`${path}: (top level).$import: unknown key`, "remove it: trtc-admin configs do not import other files");
  return value;
}

const parseError = (path: string, err: unknown, hint: string) => new ConfigError(`${path}: cannot be parsed: ${(err as Error).message}`, hint);

/** cosmiconfig's loaders with our limits; `explicit`: a file named by --config rather than found. */
function loaders(explicit: boolean): Record<string, Loader> {
  const sized = (path: string, text: string) => {
    // The file may have grown since it was checked.
    if (Buffer.byteLength(text) > MAX_FILE_BYTES) throw unreadable(path, "it is larger than 1 MiB");
  };
  const yaml: Loader = async (path, text) => {
    sized(path, text);
    try {
      return ownConfig(path, await parseYaml(text));
    } catch (err) {
      throw err instanceof ConfigError ? err : parseError(path, err, "fix the syntax (YAML or JSON)");
    }
  };
  const json: Loader = (path, text) => {
    sized(path, text);
    const isPackage = basename(path) === "package.json";
    let value: unknown;
    try {
      value = parseJson(text);
    } catch (err) {
      // A package.json that is not valid JSON cannot hold our config, and other tools own it.
      if (isPackage && !explicit && !/"trtc"\s*:/.test(text)) return {};
      throw parseError(path, err, isPackage ? "fix the JSON of package.json" : "fix the syntax (YAML or JSON)");
    }
    if (isPackage) ownConfig(path, (value as Record<string, unknown> | null)?.trtc);
    return isPackage ? value : ownConfig(path, value);
  };
  const js: Loader = async (path) => {
    try {
      // As cosmiconfig's loader does, minus its require() fallback, and through dist/native-import.cjs in the bundle.
      return ownConfig(path, ((await nativeImport(pathToFileURL(await realpath(path)).href)) as { default?: unknown }).default);
    } catch (err) {
      throw err instanceof ConfigError
        ? err
        : new ConfigError(`${path}: cannot be loaded: ${(err as Error).message.split("\n")[0]}`, "fix the JavaScript config, or use YAML or JSON");
    }
  };
  // Any other extension (--config ./ci.trtcrc) is YAML, which JSON is too.
  return { ".json": json, ".yaml": yaml, ".yml": yaml, noExt: yaml, default: yaml, ".js": js, ".mjs": js, ".cjs": js };
}

/**
 * cosmiconfig's explorer with the search strategy "global": from `cwd` up to the home directory,
 * then the user config directory. Built from its Explorer class rather than its factory, which
 * reads process.cwd()'s package.json for meta-configuration (so a broken package.json that is
 * not ours would stop every command, and a repository could add search places) and takes the
 * user config directory from process.env rather than the command's environment. Each place is
 * checked just before cosmiconfig reads it, so what it would skip or block on is reported.
 * The class is not part of cosmiconfig's documented API: package.json pins the 9.0 line (~9.0.2).
 */
class TrtcExplorer extends Explorer {
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    explicit: boolean,
  ) {
    super({
      moduleName: MODULE,
      searchPlaces: SEARCH_PLACES,
      ignoreEmptySearchPlaces: true,
      stopDir: resolve(env.HOME || homedir()),
      cache: false,
      mergeImportArrays: true,
      mergeSearchPlaces: false,
      searchStrategy: "global",
      loaders: loaders(explicit),
      transform: (result: CosmiconfigResult) => result,
      metaConfigFilePath: null,
    });
  }
  override *getSearchPlacesForDir(dir: { path: string; isGlobalConfig: boolean }): Iterable<string> {
    for (const place of dir.isGlobalConfig ? USER_PLACES : SEARCH_PLACES) {
      const path = join(dir.path, place);
      if (checkReadable(path)) yield path;
    }
  }
  override getGlobalConfigDir(): string {
    return userConfigDir(this.env);
  }
}

/**
 * Loads --config/TRTC_CONFIG when given, else searches from `cwd` upward and then
 * the user config directory ($XDG_CONFIG_HOME/trtc/). Returns undefined when none exists.
 */
export async function loadConfig(explicitPath: string | undefined, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig | undefined> {
  if (explicitPath !== undefined) {
    const path = resolve(cwd, explicitPath);
    if (!checkReadable(path)) throw new ConfigError(`config file ${path} does not exist`, "check --config / TRTC_CONFIG, or run `trtc-admin config init`");
    const found = await new TrtcExplorer(env, true).load(path);
    if (found?.config == null && basename(path) === "package.json")
      throw new ConfigError(`${path}: has no "trtc" key`, 'add the configuration under "trtc", or point --config at a .trtcrc');
    return { path, config: validateConfig(path, found?.config) };
  }
  const found = await new TrtcExplorer(env, false).search(cwd);
  return found ? { path: found.filepath, config: validateConfig(found.filepath, found.config) } : undefined;
}
