import { Command, Option } from "commander";
import { UsageError } from "../errors.js";
import { numberIn, portNumber } from "./options.js";
import { defineCommand } from "./registry.js";

const perSecond = numberIn({ min: 0, max: 100_000, integer: true });
const latency = numberIn({ min: 0, max: 600_000, integer: true });

type EmulatorOptions = Record<string, string | number | boolean | undefined>;

export function emulatorCommand(): Command {
  const emulator = new Command("emulator")
    .description("run the local TRTC API emulator (signature checks, error codes, rate limits, room state)")
    .option("--host <host>", "loopback address to listen on", "127.0.0.1")
    .addOption(new Option("--port <port>", "port; 0 picks a free one").argParser(portNumber).default(9000))
    .option("--seed <file>", "JSON or YAML file of apps and rooms")
    .option("--secret-id <id>", "test SecretId it accepts (env TRTC_EMULATOR_SECRET_ID)")
    .option("--secret-key <key>", "test SecretKey it accepts (env TRTC_EMULATOR_SECRET_KEY)")
    .addOption(new Option("--rate-limit <n>", "requests per second per action per SdkAppId; 0 = off").argParser(perSecond).default(20))
    .addOption(new Option("--latency <ms>", "delay added to every API request").argParser(latency).default(0))
    .option("--lenient-signing", "also accept the service name the official Node SDK derives from a local endpoint")
    .option("--unavailable-actions <names>", "comma-separated actions to answer with InvalidAction, e.g. SetUserBlocked,SetUserBlockedByStrRoomId")
    .option("--callback-url <url>", "send every room change there as a signed TRTC room callback")
    .option("--callback-key <key>", "callback signing key, up to 32 letters and digits (env TRTC_EMULATOR_CALLBACK_KEY)")
    .addHelpText(
      "after",
      "\nExample:\n  $ trtc-admin emulator --port 0 --seed rooms.yaml\n  $ trtc-admin emulator --rate-limit 0 --lenient-signing\n  $ TRTC_EMULATOR_CALLBACK_KEY=testKey trtc-admin emulator --callback-url http://127.0.0.1:8787/",
    );
  return defineCommand(emulator, {
    input: (cmd) => cmd.opts<EmulatorOptions>(),
    async run(ctx, opts) {
      const { io } = ctx;
      const [{ startEmulator }, { readSeedFile }, log] = await Promise.all([
        import("../emulator/server.js"),
        import("../emulator/seed.js"),
        import("../output/emulator-log.js"),
      ]);
      const options = {
        host: opts.host as string,
        port: opts.port as number,
        rateLimit: opts.rateLimit as number,
        latencyMs: opts.latency as number,
        lenientSigning: Boolean(opts.lenientSigning),
        secretId: (opts.secretId as string | undefined) ?? io.env.TRTC_EMULATOR_SECRET_ID,
        secretKey: (opts.secretKey as string | undefined) ?? io.env.TRTC_EMULATOR_SECRET_KEY,
        sessionToken: io.env.TRTC_EMULATOR_SESSION_TOKEN || undefined,
        unavailableActions: opts.unavailableActions === undefined ? [] : String(opts.unavailableActions).split(","),
        callbackUrl: opts.callbackUrl as string | undefined,
        // The environment's key is for a URL given here; alone it does not make a half-configured sender.
        callbackKey: (opts.callbackKey as string | undefined) ?? (opts.callbackUrl ? io.env.TRTC_EMULATOR_CALLBACK_KEY || undefined : undefined),
        ...(opts.seed
          ? {
              seed: await readSeedFile(opts.seed as string).catch((err: Error) => {
                throw new UsageError(`--seed ${err.message}`);
              }),
            }
          : {}),
      };
      const running = await startEmulator(options).catch((err: Error) => {
        throw new UsageError(`cannot start the emulator: ${err.message}`);
      });
      running.store.onEvent = (event) => log.printClientEvent(ctx.term, event);
      const apps = running.store.snapshot().apps.map((a) => a.sdkAppId);
      log.printEmulatorBanner(ctx.term, {
        url: running.url,
        secretId: running.secretId,
        secretKey: running.secretKey,
        apps,
        settings: running.settings,
        callbackUrl: options.callbackUrl,
      });
      await new Promise<void>((resolve) => io.signal.addEventListener("abort", () => resolve(), { once: true }));
      await running.close();
      return 0;
    },
  });
}
