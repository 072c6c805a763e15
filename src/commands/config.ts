import { Command } from "commander";
import { buildContext, type Context, type Io } from "./context.js";

type Action = "init" | "show" | "validate" | "path";

async function run(action: Action, ctx: Context): Promise<number> {
  const actions = await import("./config-actions.js");
  return actions[action](ctx);
}

export function configCommand(io: Io, done: (code: number) => void): Command {
  const config = new Command("config").description("create, show and check the configuration (.trtcrc)");
  const sub = (name: Action, description: string, example: string) =>
    new Command(name)
      .description(description)
      .addHelpText("after", `\nExample:\n  $ trtc-admin config ${name}${example}`)
      .action(async (_opts: unknown, self: Command) => done(await run(name, buildContext(self, io))));
  config.addCommand(sub("init", "write a commented .trtcrc in the current directory", ""));
  config.addCommand(sub("show", "show the settings in effect and where each came from (secrets masked)", " --profile staging --json"));
  config.addCommand(sub("validate", "check the config file and the selected profile", " --config ./ci.trtcrc"));
  config.addCommand(sub("path", "print the config file that would be used", ""));
  config.addHelpText(
    "after",
    "\nExamples:\n  $ trtc-admin config init\n  $ trtc-admin config show --profile staging\n  $ trtc-admin config validate --config ./ci.trtcrc",
  );
  return config;
}
