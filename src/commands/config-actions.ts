import { constants, copyFile } from "node:fs/promises";
import { join } from "node:path";
import { describeCredentialSource } from "../config/credentials.js";
import { resolveSettings } from "../config/resolve.js";
import { ConfigError, UsageError } from "../errors.js";
import { printCheck, printInfo, printLine, printRecord } from "../output/messages.js";
import { type Context, loadConfigOf } from "./context.js";

const EXAMPLE = new URL("../.trtcrc.example", import.meta.url);

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

export async function init(ctx: Context): Promise<number> {
  const target = join(ctx.io.cwd, ".trtcrc");
  try {
    await copyFile(EXAMPLE, target, constants.COPYFILE_EXCL);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") throw new UsageError(`${target} already exists; not overwriting it`);
    throw err;
  }
  printInfo(ctx.term, `wrote ${target}: set sdkAppId and keep secrets in the environment (\${TENCENTCLOUD_SECRET_KEY})`);
  return 0;
}
