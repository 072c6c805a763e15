import { configFilePath, type InitOptions, settingsView, validateConfig, writeExampleConfig } from "../app/config-file.js";
import { printCheck, printInfo, printLine, printRecord } from "../output/messages.js";
import type { Context } from "./context.js";

export type { InitOptions } from "../app/config-file.js";

export async function show(ctx: Context): Promise<number> {
  printRecord(ctx.term, await settingsView(ctx), ctx.run.format);
  return 0;
}

export async function validate(ctx: Context): Promise<number> {
  const { path, profiles, profile } = await validateConfig(ctx);
  if (ctx.run.format !== "pretty") printRecord(ctx.term, { ok: true, configFile: path, profiles, profile }, ctx.run.format);
  else printCheck(ctx.term, true, `${path} is valid (profiles: ${profiles.join(", ") || "none"}; using ${profile})`);
  return 0;
}

export async function path(ctx: Context): Promise<number> {
  const file = await configFilePath(ctx);
  if (ctx.run.format === "pretty") printLine(ctx.term, file);
  else printRecord(ctx.term, { configFile: file }, ctx.run.format);
  return 0;
}

export async function init(ctx: Context, opts: InitOptions): Promise<number> {
  const target = await writeExampleConfig(ctx, opts);
  printInfo(ctx.term, `wrote ${target} (readable by you only): set sdkAppId and keep secrets in the environment (\${TENCENTCLOUD_SECRET_KEY})`);
  return 0;
}
