import { Command, CommanderError } from "commander";
import { UsageError } from "../errors.js";
import { ExitCode, exitCodeOf } from "../exit-codes.js";
import { escapeControls } from "../output/escape.js";
import { createTerminal } from "../output/terminal.js";
import { banCommands } from "./bans.js";
import { completionCommand } from "./completion.js";
import { configCommand } from "./config.js";
import { type Io, sniffFormat, sniffNoColor } from "./context.js";
import { doctorCommand } from "./doctor.js";
import { emulatorCommand } from "./emulator.js";
import { eventsCommand } from "./events.js";
import { globalOptions } from "./options.js";
import { installHandlers, type Outcome } from "./registry.js";
import { roomCommands } from "./room-commands.js";
import { roomsCommand } from "./rooms.js";

declare const TRTC_ADMIN_VERSION: string;

const EXIT_CODES = `
Exit codes:
  0    every request done, already gone or planned
  1    at least one request failed (API error after retries, network, timeout)
  2    usage: bad arguments, invalid ids or region, missing --yes; nothing sent
  3    configuration: invalid config, unknown profile, missing credentials; nothing sent
  4    TRTC rejected the credentials or permission (AuthFailure.*, UnauthorizedOperation.*)
  130  interrupted: in-flight requests finished, the rest reported not-started

Examples:
  $ trtc-admin kick 1234 alice bob
  $ trtc-admin dismiss --from-file rooms.txt --yes --ignore-missing --output ndjson
  $ trtc-admin emulator --port 0        # a local TRTC API to rehearse against`;

/** The program; each command's handler sets `outcome.exitCode` when it has run. */
export function createProgram(io: Io, outcome: Outcome = { exitCode: undefined }): Command {
  const term = createTerminal(io, io.env, true);
  const plain = (text: string) => escapeControls(text, true);
  const program = new Command("trtc-admin")
    .description("Kick users from and dismiss Tencent RTC (TRTC) rooms, safely and in bulk")
    .version(typeof TRTC_ADMIN_VERSION === "string" ? TRTC_ADMIN_VERSION : "dev", "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", EXIT_CODES);
  for (const option of globalOptions()) program.addOption(option);
  const commands = [
    ...roomCommands(),
    ...banCommands(),
    configCommand(),
    doctorCommand(),
    emulatorCommand(),
    eventsCommand(),
    roomsCommand(),
    completionCommand(),
  ];
  for (const cmd of commands) program.addCommand(cmd);
  installHandlers(program, io, outcome);
  for (const cmd of [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)]) {
    // A subcommand's help lists the program's options it accepts too, under their own heading (gh's "inherited flags").
    cmd.configureHelp({ showGlobalOptions: true, styleTitle: (title) => (title === "Global Options:" ? "Global options:" : title) });
    // Help wraps at the width of io's streams, not the process's own: 80 when not a terminal.
    cmd.exitOverride().configureOutput({
      writeOut: (s) => term.out(s),
      writeErr: (s) => term.err(plain(s)),
      getOutHelpWidth: () => (io.stdout.isTTY && io.stdout.columns) || 80,
      getErrHelpWidth: () => (io.stderr.isTTY && io.stderr.columns) || 80,
    });
  }
  return program;
}

/** Parses and runs one command line; returns the exit code. Never exits the process itself. */
export async function main(argv: string[], io: Io): Promise<number> {
  const outcome: Outcome = { exitCode: undefined };
  const program = createProgram(io, outcome);
  try {
    await program.parseAsync(argv, { from: "user" });
    return outcome.exitCode ?? ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return ExitCode.ok;
      // commander has already printed its message; in JSON modes say it again as JSON.
      if (sniffFormat(argv, io.env) !== "pretty")
        (await import("../output/messages.js")).printFailure(createTerminal(io, io.env, true), new UsageError(err.message.replace(/^error: /, "")), "json");
      return ExitCode.usage;
    }
    const { printFailure } = await import("../output/messages.js");
    printFailure(createTerminal(io, io.env, sniffNoColor(argv)), err, sniffFormat(argv, io.env));
    return exitCodeOf(err);
  }
}
