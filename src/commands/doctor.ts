import { Command } from "commander";
import { doctorExitCode } from "../exit-codes.js";
import { inventoryFlag } from "./context.js";
import { defineCommand } from "./registry.js";

export function doctorCommand(): Command {
  const doctor = new Command("doctor")
    .description("check config, credentials, clock and endpoint (one read-only signed request) and the room inventory")
    .addHelpText("after", "\nExample:\n  $ trtc-admin doctor --profile staging");
  return defineCommand(doctor, {
    input: inventoryFlag,
    async run(ctx, inventory) {
      const [{ doctor }, { printChecks }] = await Promise.all([import("../app/doctor.js"), import("../output/messages.js")]);
      const { checks, verdict } = await doctor(ctx, inventory);
      printChecks(ctx.term, checks, ctx.run.format);
      return doctorExitCode(verdict);
    },
  });
}
