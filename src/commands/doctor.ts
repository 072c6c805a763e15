import { Command } from "commander";
import { describeCredentialSource, loadCredential } from "../config/credentials.js";
import { loadConfig } from "../config/load.js";
import { resolveSettings, type Settings } from "../config/resolve.js";
import { ExitCode } from "../errors.js";
import { printCheck } from "../output/messages.js";
import { isAuthCode } from "../trtc/errors.js";
import { addGlobalOptions, buildContext, type Context, type Io } from "./context.js";

const MAX_SKEW_S = 300;

/** A read-only signed call: any answer other than AuthFailure proves the credentials; its Date header shows clock skew. */
async function probe(ctx: Context, settings: Settings): Promise<number> {
  const credential = await loadCredential(settings, ctx.io.env);
  const { TrtcClient } = await import("../trtc/client.js");
  const client = new TrtcClient({ endpoint: settings.endpoint, region: settings.region, credential, env: ctx.io.env });
  const now = Math.floor(Date.now() / 1000);
  const outcome = await client.probe("DescribeRoomInfo", { SdkAppId: settings.sdkAppId ?? 0, StartTime: now - 60, EndTime: now }, ctx.run.timeoutMs);
  await client.close();
  const { error, date } = outcome;
  if (error && (error.kind === "network" || error.kind === "timeout")) {
    printCheck(ctx.term, false, `endpoint ${settings.endpoint.url} unreachable: ${error.message}`);
    return ExitCode.failed;
  }
  printCheck(ctx.term, true, `endpoint ${settings.endpoint.url} answered`);
  if (date) {
    const skew = Math.round((Date.now() - Date.parse(date)) / 1000);
    printCheck(ctx.term, Math.abs(skew) <= MAX_SKEW_S, `clock: ${skew >= 0 ? "+" : ""}${skew} s against the endpoint (TRTC allows ${MAX_SKEW_S} s)`);
  }
  if (error && isAuthCode(error.code)) {
    printCheck(ctx.term, false, `credentials rejected: ${error.code}: ${error.message}${error.requestId ? ` (RequestId ${error.requestId})` : ""}`);
    return ExitCode.auth;
  }
  printCheck(ctx.term, true, `credentials accepted (signature verified${error ? `; the probe answered ${error.code}, which is expected` : ""})`);
  return ExitCode.ok;
}

async function doctor(ctx: Context): Promise<number> {
  const loaded = await loadConfig(ctx.flags.config, ctx.io.cwd);
  printCheck(ctx.term, true, loaded ? `config ${loaded.path}` : "no config file (using flags and environment)");
  const settings = resolveSettings(loaded, ctx.flags, ctx.io.env);
  printCheck(ctx.term, true, `profile ${settings.profile}, region ${settings.region}, endpoint ${settings.endpoint.url}`);
  printCheck(ctx.term, settings.sdkAppId !== undefined, settings.sdkAppId !== undefined ? `SdkAppId ${settings.sdkAppId}` : "no SdkAppId (set sdkAppId, TRTC_SDK_APP_ID or --sdk-app-id)");
  printCheck(ctx.term, settings.credentials.kind !== "none", `credentials from ${describeCredentialSource(settings)}`);
  if (settings.credentials.kind === "none" || settings.sdkAppId === undefined) return ExitCode.config;
  return probe(ctx, settings);
}

export function doctorCommand(io: Io, done: (code: number) => void): Command {
  return addGlobalOptions(new Command("doctor"))
    .description("check config, credentials, clock and endpoint with one read-only signed request")
    .addHelpText("after", "\nExample:\n  $ trtc-admin doctor --profile staging")
    .action(async (_opts: unknown, self: Command) => done(await doctor(buildContext(self, io))));
}
