import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { loadConfigOf } from "../app/session.js";
import { describeCredentialSource } from "../config/credentials.js";
import { userConfigDir } from "../config/load.js";
import { resolveSettings } from "../config/resolve.js";
import { ConfigError, UsageError } from "../errors.js";
import { printCheck, printInfo, printLine, printRecord } from "../output/messages.js";
import type { Context } from "./context.js";

const EXAMPLE = new URL("../.trtcrc.example", import.meta.url);
/** The SdkAppId .trtcrc.example (and so `config init`) writes: valid in shape, never a real application. */
const PLACEHOLDER_SDK_APP_ID = 1400000000;

function mask(value: string): string {
  return value.length <= 4 ? "****" : `****${value.slice(-4)}`;
}

export async function show(ctx: Context): Promise<number> {
  const loaded = await loadConfigOf(ctx);
  const s = resolveSettings(loaded, ctx.flags, ctx.io.env);
  const creds = s.credentials;
  const secretId = creds.kind === "profile" ? creds.secretId : creds.kind === "env" ? ctx.io.env.TENCENTCLOUD_SECRET_ID! : undefined;
  const view = {
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
  printRecord(ctx.term, view, ctx.run.format);
  return 0;
}

export async function validate(ctx: Context): Promise<number> {
  const loaded = await loadConfigOf(ctx);
  if (!loaded) throw new ConfigError("no config file found", "create one with `trtc-admin config init`");
  const s = resolveSettings(loaded, ctx.flags, ctx.io.env);
  const names = Object.keys(loaded.config.profiles);
  const unset = names.find((name) => Number(loaded.config.profiles[name]!.sdkAppId) === PLACEHOLDER_SDK_APP_ID);
  if (unset !== undefined)
    throw new ConfigError(
      `${loaded.path}: profiles.${unset}.sdkAppId is ${PLACEHOLDER_SDK_APP_ID}, the placeholder \`config init\` writes`,
      "set it to your application's SdkAppId (TRTC console, Applications), or remove the profile",
    );
  if (ctx.run.format !== "pretty") printRecord(ctx.term, { ok: true, configFile: loaded.path, profiles: names, profile: s.profile }, ctx.run.format);
  else printCheck(ctx.term, true, `${loaded.path} is valid (profiles: ${names.join(", ") || "none"}; using ${s.profile})`);
  return 0;
}

export async function path(ctx: Context): Promise<number> {
  const loaded = await loadConfigOf(ctx);
  if (!loaded)
    throw new ConfigError("no config file found", "searched from the working directory upward, then $XDG_CONFIG_HOME/trtc/ (default ~/.config/trtc/)");
  if (ctx.run.format === "pretty") printLine(ctx.term, loaded.path);
  else printRecord(ctx.term, { configFile: loaded.path }, ctx.run.format);
  return 0;
}

export interface InitOptions {
  user?: boolean;
  force?: boolean;
}

/** Writes the example config, readable by its owner only: it is where credentials end up, whatever it says. */
export async function init(ctx: Context, opts: InitOptions): Promise<number> {
  const target = opts.user ? join(userConfigDir(ctx.io.env), "config.yaml") : join(ctx.io.cwd, ".trtcrc");
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
  printInfo(ctx.term, `wrote ${target} (readable by you only): set sdkAppId and keep secrets in the environment (\${TENCENTCLOUD_SECRET_KEY})`);
  return 0;
}
