import type { Command } from "commander";
import { buildContext, type Context, type Io } from "./context.js";

/** What a command does once parsed: its input from the command line, and a handler that returns the exit code. */
export interface Handler<I> {
  /** The command line's arguments (`cmd.processedArgs`) and options (`cmd.opts()`) as the handler's input; usage errors here come first. */
  input(cmd: Command): I;
  /** Loads what it needs when it runs (not for --help), and returns the exit code main returns. */
  run(ctx: Context, input: I): Promise<number>;
  /** A server outlives its stdout's reader: only an interrupt stops it. */
  server?: boolean;
}

const handlers = new WeakMap<Command, Handler<unknown>>();

/** A command: its declaration (name, arguments, options, help) and its handler (gh's runF, wrangler's createCommand). */
export function defineCommand<I>(command: Command, handler: Handler<I>): Command {
  handlers.set(command, handler as Handler<unknown>);
  return command;
}

/** The handler's exit code, kept for main: commander drops an action's return value. */
export interface Outcome {
  exitCode: number | undefined;
}

/** Makes every defined command under `program` run its handler with a context built from `io`. */
export function installHandlers(program: Command, io: Io, outcome: Outcome): void {
  const walk = (cmd: Command): void => {
    const handler = handlers.get(cmd);
    if (handler)
      cmd.action(async (...args: unknown[]) => {
        const self = args.at(-1) as Command;
        const input = handler.input(self);
        const ctx = buildContext(self, handler.server ? { ...io, signal: io.shutdown ?? io.signal } : io);
        outcome.exitCode = await handler.run(ctx, input);
      });
    for (const sub of cmd.commands) walk(sub);
  };
  walk(program);
}
