import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { createProgram } from "../../src/commands/program.js";
import { baseEnv, runIn } from "../helpers/inproc.js";

/** Every command line that has its own --help, read from the program itself so a new command cannot be missed. */
function commandPaths(): string[][] {
  const io = { stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin, env: {}, cwd: "/", signal: new AbortController().signal };
  const walk = (cmd: Command, path: string[]): string[][] => [path, ...cmd.commands.flatMap((sub) => walk(sub, [...path, sub.name()]))];
  return walk(createProgram(io), []);
}

describe("help", () => {
  const paths = commandPaths();

  it("covers the program and every command and subcommand", () => {
    expect(paths.map((p) => p.join(" "))).toMatchSnapshot();
  });

  // The surface users read: any change to a command, option, description or example shows up here for review.
  // Piped stdout has no width, so commander wraps at 80 columns whatever the terminal running the tests.
  it.each(paths.map((p) => [p.join(" ") || "(program)", p] as const))("trtc-admin %s --help", async (_name, path) => {
    const r = await runIn([...path, "--help"], { env: baseEnv() });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^Usage: trtc-admin/);
    expect(r.stdout).toMatch(/Examples?:\n {2}\$ trtc-admin/);
    expect(r.stdout).toMatchSnapshot();
  });

  it.each(paths.filter((p) => p.length > 0).map((p) => [p.join(" "), p] as const))(
    "trtc-admin %s --help lists the global options under their own heading",
    async (_name, path) => {
      const { stdout } = await runIn([...path, "--help"], { env: baseEnv() });
      const section = stdout.split("\nGlobal options:\n")[1]?.split("\n\n")[0] ?? "";
      for (const option of ["-p, --profile <name>", "-c, --config <file>", "--json", "--endpoint <host|url>", "-o, --output <format>", "--inventory <url>"])
        expect(section).toContain(`  ${option} `);
    },
  );

  it("-h is --help", async () => {
    const [long, short] = await Promise.all([runIn(["kick", "--help"]), runIn(["kick", "-h"])]);
    expect(short).toEqual(long);
  });

  it("help wraps at the width of the io's terminal, not the test runner's", async () => {
    const { main } = await import("../../src/commands/program.js");
    const helpAt = async (stdout: { isTTY?: boolean; columns?: number }) => {
      let text = "";
      const io = {
        stdout: { ...stdout, write: (s: string) => ((text += s), true) },
        stderr: { write: () => true },
        stdin: process.stdin,
        env: baseEnv(),
        cwd: "/",
        signal: new AbortController().signal,
      };
      expect(await main(["config", "--help"], io)).toBe(0);
      return text;
    };
    const oneLine = /show +show the settings in effect and where each came from \(secrets masked\)\n/;
    expect(await helpAt({ isTTY: true, columns: 200 })).toMatch(oneLine);
    expect(await helpAt({ isTTY: false, columns: 200 })).not.toMatch(oneLine);
    expect(await helpAt({ isTTY: true })).not.toMatch(oneLine);
  });
});
