import { Command } from "commander";
import type { InitOptions } from "./config-actions.js";
import type { Context } from "./context.js";
import { defineCommand } from "./registry.js";

type Action = "init" | "show" | "validate" | "path";

async function run(action: Action, ctx: Context, opts: InitOptions): Promise<number> {
  const actions = await import("./config-actions.js");
  return action === "init" ? actions.init(ctx, opts) : actions[action](ctx);
}

export function configCommand(): Command {
  const config = new Command("config").description("create, show and check the configuration (.trtcrc)");
  const sub = (name: Action, description: string, example: string) =>
    defineCommand(new Command(name).description(description).addHelpText("after", `\nExample:\n  $ trtc-admin config ${name}${example}`), {
      input: (cmd) => cmd.opts<InitOptions>(),
      run: (ctx, opts) => run(name, ctx, opts),
    });
  config.addCommand(
    sub("init", "write a commented .trtcrc (mode 0600) in the current directory", "\n  $ trtc-admin config init --user --force")
      .option("--user", "write the user config file instead: $XDG_CONFIG_HOME/trtc/config.yaml (default ~/.config/trtc/)")
      .option("--force", "replace the file if it exists"),
  );
  config.addCommand(sub("show", "show the settings in effect and where each came from (secrets masked)", " --profile staging --json"));
  config.addCommand(sub("validate", "check the config file and the selected profile", " --config ./ci.trtcrc"));
  config.addCommand(sub("path", "print the config file that would be used", ""));
  config.addHelpText(
    "after",
    "\nExamples:\n  $ trtc-admin config init\n  $ trtc-admin config show --profile staging\n  $ trtc-admin config validate --config ./ci.trtcrc",
  );
  return config;
}
