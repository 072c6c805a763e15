import { Command } from "commander";
import { UsageError } from "../errors.js";
import { createTerminal } from "../output/terminal.js";
import { defineCommand } from "./registry.js";

interface Spec {
  name: string;
  options: string[];
  subcommands: string[];
}

function specs(program: Command): Spec[] {
  const flags = (cmd: Command) => cmd.options.flatMap((o) => [o.short, o.long].filter((f): f is string => Boolean(f)));
  // Global options are declared on the program and work after any command name too.
  return program.commands.map((cmd) => ({ name: cmd.name(), options: [...flags(cmd), ...flags(program)], subcommands: cmd.commands.map((c) => c.name()) }));
}

function bash(all: Spec[]): string {
  const cases = all.map((s) => `    ${s.name}) words="${[...s.subcommands, ...s.options].join(" ")}" ;;`).join("\n");
  return `# bash completion for trtc-admin; load with: source <(trtc-admin completion bash)
_trtc_admin() {
  local cur=\${COMP_WORDS[COMP_CWORD]} words
  if [ "$COMP_CWORD" -eq 1 ]; then
    words="${all.map((s) => s.name).join(" ")}"
  else
    case "\${COMP_WORDS[1]}" in
${cases}
    esac
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _trtc_admin trtc-admin
`;
}

function zsh(all: Spec[]): string {
  return `#compdef trtc-admin
# zsh completion for trtc-admin; load with: source <(trtc-admin completion zsh)
_trtc_admin() {
  if (( CURRENT == 2 )); then
    compadd -- ${all.map((s) => s.name).join(" ")}
    return
  fi
  case "$words[2]" in
${all.map((s) => `    ${s.name}) compadd -- ${[...s.subcommands, ...s.options].join(" ")} ;;`).join("\n")}
  esac
  _files
}
compdef _trtc_admin trtc-admin
`;
}

function fish(all: Spec[]): string {
  const lines = all.map((s) => `complete -c trtc-admin -n __fish_use_subcommand -a ${s.name}`);
  for (const s of all) {
    for (const sub of s.subcommands) lines.push(`complete -c trtc-admin -n "__fish_seen_subcommand_from ${s.name}" -a ${sub}`);
    for (const o of s.options.filter((f) => f.startsWith("--")))
      lines.push(`complete -c trtc-admin -n "__fish_seen_subcommand_from ${s.name}" -l ${o.slice(2)}`);
  }
  return `# fish completion for trtc-admin; load with: trtc-admin completion fish | source\n${lines.join("\n")}\n`;
}

const SHELLS: Record<string, (all: Spec[]) => string> = { bash, zsh, fish };

export function completionCommand(): Command {
  const completion = new Command("completion")
    .description("print a shell completion script")
    .argument("<shell>", "bash, zsh or fish")
    .addHelpText("after", "\nExamples:\n  $ trtc-admin completion fish > ~/.config/fish/completions/trtc-admin.fish\n  $ source <(trtc-admin completion bash)");
  return defineCommand(completion, {
    input(cmd) {
      const shell = cmd.processedArgs[0] as string;
      const render = SHELLS[shell];
      if (!render) throw new UsageError(`unsupported shell "${shell}": choose bash, zsh or fish`);
      return render(specs(cmd.parent!));
    },
    async run(ctx, script) {
      createTerminal(ctx.io, ctx.io.env, true).out(script);
      return 0;
    },
  });
}
