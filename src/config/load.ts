import { readFileSync, statSync } from "node:fs";
import { realpath } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, extname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError } from "../errors.js";
import { nativeImport } from "./native-import.js";
import { type ConfigFile, validateConfig } from "./schema.js";

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
/** cosmiconfig's names in the user config directory, less TypeScript, which we do not load. */
const USER_PLACES = ["config", "config.json", "config.yaml", "config.yml", "config.js", "config.cjs", "config.mjs"];
const MAX_FILE_BYTES = 1024 * 1024;
/**
 * YAML anchors and aliases are allowed (`<<: *base` shares profile settings) but a document
 * whose aliases would expand to more values than this ("billion laughs"), or that contains
 * itself, is refused: any later walk of it would hang or overflow.
 */
const MAX_YAML_VALUES = 10_000;

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

/**
 * cosmiconfig's "global" search order: from `cwd` up to the home directory (or the root), then
 * the user config directory. We walk it ourselves because cosmiconfig silently skips a config
 * it cannot read, and its factory parses ./package.json for its own meta-configuration, so a
 * broken package.json that is not ours at all would stop every command.
 */
function* candidates(cwd: string, env: NodeJS.ProcessEnv): Generator<string> {
  const stop = resolve(env.HOME || homedir());
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const place of SEARCH_PLACES) yield join(dir, place);
    if (dir === stop || dirname(dir) === dir) break;
  }
  for (const place of USER_PLACES) yield join(userConfigDir(env), place);
}

const unreadable = (path: string, why: string) => new ConfigError(`${path}: cannot be read: ${why}`, "make it a readable file, or remove it");

/**
 * The file's text, or undefined when it does not exist. Synchronous on purpose: a search checks
 * dozens of names, and a thread-pool round trip for each cost more than the checks themselves.
 */
function readText(path: string): string | undefined {
  try {
    const info = statSync(path);
    // A directory or a FIFO named like a config is reported, not skipped or blocked on.
    if (info.isDirectory()) throw unreadable(path, "EISDIR: it is a directory");
    if (!info.isFile()) throw unreadable(path, "it is not a regular file");
    if (info.size > MAX_FILE_BYTES) throw unreadable(path, "it is larger than 1 MiB");
    return readFileSync(path, "utf8");
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const { code, message } = err as NodeJS.ErrnoException;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw unreadable(path, message);
  }
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `line ${before.split("\n").length}, column ${offset - before.lastIndexOf("\n")}`;
}

const POSITION = / (?:in JSON )?at position (\d+).*$/s;

/** Whether JSON.parse refuses `text` before its end: a prefix of valid JSON fails only at its end. */
function failsWithin(text: string): boolean {
  try {
    JSON.parse(text);
    return false;
  } catch (err) {
    const { message } = err as Error;
    const at = POSITION.exec(message);
    return at ? Number(at[1]) < text.length : !message.startsWith("Unexpected end of JSON input");
  }
}

/**
 * Where JSON.parse gave up: its own position when it names one, else (an unexpected token, which
 * V8 reports by quoting the text instead) the shortest prefix it refuses, found by bisection.
 */
function errorOffset(text: string, message: string): number {
  const at = POSITION.exec(message);
  if (at) return Number(at[1]);
  if (message.startsWith("Unexpected end of JSON input")) return text.length;
  let [lo, hi] = [1, text.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsWithin(text.slice(0, mid))) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

/** JSON.parse's reason, line and column, without the source text V8 quotes (it may hold a secret). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const { message } = err as Error;
    const reason = message.replace(/, .* is not valid JSON$/s, "").replace(POSITION, "");
    throw new Error(`${reason} (${lineColumn(text, errorOffset(text, message))})`);
  }
}

/** Counts values as if every alias were expanded, stopping past the limit; a cycle counts as infinite. */
function expandedSize(value: unknown, sizes = new Map<object, number>()): number {
  if (typeof value !== "object" || value === null || !(Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)) return 1;
  const known = sizes.get(value);
  if (known !== undefined) return known;
  sizes.set(value, Infinity);
  let total = 1;
  for (const child of Object.values(value)) if ((total += expandedSize(child, sizes)) > MAX_YAML_VALUES) break;
  sizes.set(value, total);
  return total;
}

async function parseYaml(text: string): Promise<unknown> {
  const { load, YAMLException } = await import("js-yaml");
  let value: unknown;
  try {
    value = load(text);
  } catch (err) {
    // js-yaml's message quotes the offending lines; keep only its reason and position.
    if (!(err instanceof YAMLException)) throw err;
    throw new Error(err.mark ? `${err.reason} (line ${err.mark.line + 1}, column ${err.mark.column + 1})` : err.reason);
  }
  const size = expandedSize(value);
  if (size === Infinity) throw new Error("a YAML alias refers to a value that contains it");
  if (size > MAX_YAML_VALUES) throw new Error(`YAML aliases expand it to more than ${MAX_YAML_VALUES} values`);
  return value;
}

/**
 * The config a file holds: undefined when it holds none (empty, or a package.json without a
 * `trtc` key). In a search, a package.json that is not valid JSON is skipped unless it seems
 * to have a `trtc` key: it cannot hold our config, and other tools own it.
 */
async function parse(path: string, text: string, explicit: boolean): Promise<unknown> {
  if (text.trim() === "") return undefined;
  const ext = extname(path);
  if (ext === ".js" || ext === ".mjs" || ext === ".cjs") {
    try {
      // As cosmiconfig's loader does, minus its require() fallback.
      return ((await nativeImport(pathToFileURL(await realpath(path)).href)) as { default?: unknown }).default;
    } catch (err) {
      throw new ConfigError(`${path}: cannot be loaded: ${(err as Error).message.split("\n")[0]}`, "fix the JavaScript config, or use YAML or JSON");
    }
  }
  const isPackage = basename(path) === "package.json";
  try {
    if (isPackage) {
      const pkg = parseJson(text) as Record<string, unknown> | null;
      return typeof pkg === "object" && pkg !== null && Object.hasOwn(pkg, "trtc") ? (pkg.trtc ?? undefined) : undefined;
    }
    return await (ext === ".json" ? parseJson(text) : parseYaml(text));
  } catch (err) {
    if (isPackage && !explicit && !/"trtc"\s*:/.test(text)) return undefined;
    throw new ConfigError(`${path}: cannot be parsed: ${(err as Error).message}`, isPackage ? "fix the JSON of package.json" : "fix the syntax (YAML or JSON)");
  }
}

/**
 * Loads --config/TRTC_CONFIG when given, else searches from `cwd` upward and then
 * the user config directory ($XDG_CONFIG_HOME/trtc/). Returns undefined when none exists.
 */
export async function loadConfig(explicitPath: string | undefined, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig | undefined> {
  if (explicitPath !== undefined) {
    const path = resolve(cwd, explicitPath);
    const text = readText(path);
    if (text === undefined) throw new ConfigError(`config file ${path} does not exist`, "check --config / TRTC_CONFIG, or run `trtc-admin config init`");
    const value = await parse(path, text, true);
    if (value === undefined && basename(path) === "package.json")
      throw new ConfigError(`${path}: has no "trtc" key`, 'add the configuration under "trtc", or point --config at a .trtcrc');
    return { path, config: validateConfig(path, value) };
  }
  for (const path of candidates(cwd, env)) {
    const text = readText(path);
    if (text === undefined) continue;
    // As cosmiconfig does, an empty file does not end the search.
    const value = await parse(path, text, false);
    if (value !== undefined && value !== null) return { path, config: validateConfig(path, value) };
  }
  return undefined;
}
