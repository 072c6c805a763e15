import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describeCredentialSource } from "../config/credentials.js";
import { userConfigDir } from "../config/load.js";
import { resolveSettings } from "../config/resolve.js";
import { ConfigError, UsageError } from "../errors.js";
import { loadConfigOf, type Session } from "./session.js";

const EXAMPLE = new URL("../.trtcrc.example", import.meta.url);
/** The SdkAppId .trtcrc.example (and so `config init`) writes: valid in shape, never a real application. */
const PLACEHOLDER_SDK_APP_ID = 1400000000;

function mask(value: string): string {
  return value.length <= 4 ? "****" : `****${value.slice(-4)}`;
}

/** `config show`: the settings in effect and where each came from, secrets masked. */
export async function settingsView(session: Session): Promise<Record<string, unknown>> {
  const loaded = await loadConfigOf(session);
  const s = resolveSettings(loaded, session.flags, session.io.env);
  const creds = s.credentials;
  const secretId = creds.kind === "profile" ? creds.secretId : creds.kind === "env" ? session.io.env.TENCENTCLOUD_SECRET_ID! : undefined;
  return {
    configFile: s.configPath ?? null,
    profile: s.profile,
    sdkAppId: s.sdkAppId ?? null,
    sdkAppIdSource: s.sdkAppIdSource ?? null,
    region: s.region,
    regionSource: s.regionSource,
    endpoint: s.endpoint.url,
    endpointSource: s.endpointSource,
    roomIdType: s.roomIdMode,
    credentials: describeCredentialSource(s),
    secretId: secretId ? mask(secretId) : null,
    secretKey: creds.kind === "none" || creds.kind === "command" ? null : "****",
    auditLog: s.auditLog ?? null,
  };
}

/** `config validate`: the file found, its profiles and the one selected; exit 3 for a missing file or a placeholder SdkAppId. */
export async function validateConfig(session: Session): Promise<{ path: string; profiles: string[]; profile: string }> {
  const loaded = await loadConfigOf(session);
  if (!loaded) throw new ConfigError("no config file found", "create one with `trtc-admin config init`");
  const s = resolveSettings(loaded, session.flags, session.io.env);
  const names = Object.keys(loaded.config.profiles);
  const unset = names.find((name) => Number(loaded.config.profiles[name]!.sdkAppId) === PLACEHOLDER_SDK_APP_ID);
  if (unset !== undefined)
    throw new ConfigError(
      `${loaded.path}: profiles.${unset}.sdkAppId is ${PLACEHOLDER_SDK_APP_ID}, the placeholder \`config init\` writes`,
      "set it to your application's SdkAppId (TRTC console, Applications), or remove the profile",
    );
  return { path: loaded.path, profiles: names, profile: s.profile };
}

/** `config path`: the config file that would be used; exit 3 when there is none. */
export async function configFilePath(session: Session): Promise<string> {
  const loaded = await loadConfigOf(session);
  if (!loaded)
    throw new ConfigError("no config file found", "searched from the working directory upward, then $XDG_CONFIG_HOME/trtc/ (default ~/.config/trtc/)");
  return loaded.path;
}

export interface InitOptions {
  user?: boolean;
  force?: boolean;
}

/** `config init`: writes the example config, readable by its owner only: it is where credentials end up, whatever it says. Returns its path. */
export async function writeExampleConfig(session: Session, opts: InitOptions): Promise<string> {
  const target = opts.user ? join(userConfigDir(session.io.env), "config.yaml") : join(session.io.cwd, ".trtcrc");
  const text = await readFile(EXAMPLE, "utf8");
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  // Replaced, not rewritten: a new file gets 0600, where the old file's mode (0644, say) would carry over.
  if (opts.force) await rm(target, { force: true });
  try {
    await writeFile(target, text, { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") throw new UsageError(`${target} already exists; not overwriting it`, "pass --force to replace it");
    throw err;
  }
  return target;
}
