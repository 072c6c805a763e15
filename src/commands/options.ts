import { InvalidArgumentError, Option } from "commander";
import { OPTION_ENV } from "../config/env.js";
import { OUTPUT_FORMATS } from "../output/reporter.js";
import type { RoomIdMode } from "../plan/types.js";
import { DEFAULTS, describeRange, inRange, LIMITS, type Range } from "../run/limits.js";
import { parseDuration } from "../store/filters.js";
import { REGIONS } from "../trtc/endpoint.js";

/** The one number parser: plain decimals only ("0x10", "1e3", " 5" refused), within a range the code can honour. */
export function numberIn(range: Range): (value: string) => number {
  const shape = range.integer ? /^[0-9]+$/ : /^[0-9]+(\.[0-9]+)?$/;
  return (value) => {
    const n = Number(value);
    if (!shape.test(value) || !inRange(n, range)) throw new InvalidArgumentError(`expected ${describeRange(range)}`);
    return n;
  };
}

/** A TCP port; 0 asks the system for a free one. */
export const portNumber = numberIn({ min: 0, max: 65_535, integer: true });

const env = (text: string, name: keyof typeof OPTION_ENV) => `${text} (env ${OPTION_ENV[name]})`;

/** Declared once, on the program: commander accepts them before or after the command name. */
export function globalOptions(): Option[] {
  return [
    new Option("-p, --profile <name>", env("config profile", "profile")),
    new Option("-c, --config <file>", env("config file instead of searching", "config")),
    new Option("--sdk-app-id <id>", env("TRTC SdkAppId", "sdkAppId")),
    new Option("--region <region>", env(REGIONS.join(", "), "region")),
    new Option("--endpoint <host|url>", env("API host or URL; http:// only for loopback", "endpoint")),
    new Option("-o, --output <format>", env("result format", "output")).choices(OUTPUT_FORMATS),
    new Option("--json", "same as --output json").conflicts("output"),
    new Option("--timeout <seconds>", "per-request timeout").argParser(numberIn(LIMITS.timeoutSeconds)).default(DEFAULTS.timeoutSeconds),
    new Option("--max-attempts <n>", "attempts per request, 1 = no retry").argParser(numberIn(LIMITS.maxAttempts)).default(DEFAULTS.maxAttempts),
    new Option("--concurrency <n>", "requests in flight").argParser(numberIn(LIMITS.concurrency)).default(DEFAULTS.concurrency),
    new Option("--rate <n>", "max requests of each action, retries included, in any second as the server sees them; 0 = off")
      .argParser(numberIn(LIMITS.rate))
      .default(DEFAULTS.rate),
    new Option("--debug", `trace requests and responses on stderr, secrets redacted (env ${OPTION_ENV.debug}=1)`),
    new Option("-q, --quiet", "results only"),
    new Option("--inventory <url>", env("room inventory: a file: or postgres:// URL", "inventory")),
    new Option("--no-color", "no colour (also NO_COLOR)"),
  ];
}

/** The options of kick, dismiss and their API-named forms. */
export function safetyOptions(withRoomType: boolean): Option[] {
  const options = [
    new Option("-y, --yes", "do not ask for confirmation (required when not interactive)"),
    new Option("--dry-run", "print the planned requests; send nothing, need no credentials"),
    new Option("--ignore-missing", "a room that does not exist counts as already gone (exit 0)"),
    new Option("--from-file <path|->", "read one id per line from a file or - for stdin (# comments and blank lines skipped)"),
  ];
  return withRoomType ? [...options, ...roomTypeOptions()] : options;
}

/** kick, dismiss and ban: proof from the inventory that a done request took effect. */
export function waitOption(): Option {
  return new Option("--wait [dur]", "wait up to <dur> (default 30s) for the inventory to show each effect: 104 kicked per user, 102 per room");
}

/** kick, dismiss, mute and unmute: re-send an earlier run's failed and not-started requests. */
export function retryFromOption(): Option {
  return new Option("--retry-from <results>", "re-send the failed and not-started requests of an earlier run's ndjson or json results (- for stdin)");
}

/** --wait's time: 30 s when given without one. */
export function waitMsFrom(wait: string | boolean | undefined): number | undefined {
  if (wait === undefined || wait === false) return undefined;
  return wait === true ? 30_000 : parseDuration(wait, "--wait");
}

/** The room type --str-room or --numeric-room forces, if either was given. */
export function roomTypeFrom(opts: { strRoom?: boolean; numericRoom?: boolean }): RoomIdMode | undefined {
  return opts.strRoom ? "string" : opts.numericRoom ? "numeric" : undefined;
}

/** How a room argument is typed when its text alone would not say (numeric 123 vs string "123"). */
export function roomTypeOptions(): Option[] {
  return [
    new Option("--str-room", 'treat room ids as string rooms: "123" is not numeric room 123').conflicts("numericRoom"),
    new Option("--numeric-room", "treat room ids as numeric rooms"),
  ];
}

/** What mute silences; unmute takes neither. */
export function muteOptions(): Option[] {
  return [new Option("--audio-only", "mute audio only (IsMute 2)").conflicts("videoOnly"), new Option("--video-only", "mute video only (IsMute 3)")];
}
