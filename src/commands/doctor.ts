import { Command } from "commander";
import { buildContext, type Io } from "./context.js";

export function doctorCommand(io: Io, done: (code: number) => void): Command {
  return new Command("doctor")
    .description("check config, credentials, clock and endpoint (one read-only signed request) and the room inventory")
    .addHelpText("after", "\nExample:\n  $ trtc-admin doctor --profile staging")
    .action(async (_opts: unknown, self: Command) => {
      const ctx = buildContext(self, io);
      const { doctor } = await import("./doctor-checks.js");
      done(await doctor(ctx, self.optsWithGlobals<{ inventory?: string }>().inventory));
    });
}
