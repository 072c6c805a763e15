import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildContext, type Context, type Io } from "../../src/commands/context.js";
import { createProgram } from "../../src/commands/program.js";
import { runIn } from "../helpers/inproc.js";

interface Parsed {
  command: string;
  ctx: Context;
  opts: Record<string, unknown>;
}

/** Parses argv with the real program, every command's action replaced by one that builds and keeps the context. */
async function parse(argv: string[], env: Record<string, string> = {}): Promise<Parsed> {
  const sink = { write: () => true, isTTY: false };
  const io: Io = { stdout: sink, stderr: sink, stdin: process.stdin, env: { NO_COLOR: undefined, ...env }, cwd: "/", signal: new AbortController().signal };
  const program = createProgram(io);
  let parsed: Parsed | undefined;
  for (const cmd of program.commands) {
    cmd.action((...args: unknown[]) => {
      const self = args.at(-1) as Command;
      parsed = { command: self.name(), ctx: buildContext(self, io), opts: self.opts() };
    });
  }
  await program.parseAsync(argv, { from: "user" });
  if (!parsed) throw new Error(`no command ran for ${JSON.stringify(argv)}`);
  return parsed;
}

const defaults = { format: "pretty", quiet: false, debug: false, timeoutMs: 10_000, maxAttempts: 3, concurrency: 8, rate: 20 };

describe("argv and environment → context", () => {
  it.each<[string[], Record<string, string>, Partial<Context["run"]>, Context["flags"]]>([
    [["dismiss", "1"], {}, {}, {}],
    // Globals are declared once, on the program, and accepted before or after the command name.
    [["--json", "dismiss", "1"], {}, { format: "json" }, {}],
    [["dismiss", "1", "--json"], {}, { format: "json" }, {}],
    [["-o", "ndjson", "dismiss", "1"], {}, { format: "ndjson" }, {}],
    [["dismiss", "1", "--output", "ndjson"], {}, { format: "ndjson" }, {}],
    [["dismiss", "1", "--output=json"], {}, { format: "json" }, {}],
    [["dismiss", "1", "-ojson"], {}, { format: "json" }, {}],
    [["dismiss", "1", "-o", "pretty"], {}, { format: "pretty" }, {}],
    [["-q", "kick", "1", "alice"], {}, { quiet: true }, {}],
    [["kick", "1", "alice", "--quiet"], {}, { quiet: true }, {}],
    // Environment fallbacks, and flags over them.
    [["dismiss", "1"], { TRTC_OUTPUT: "ndjson" }, { format: "ndjson" }, {}],
    [["dismiss", "1", "--json"], { TRTC_OUTPUT: "ndjson" }, { format: "json" }, {}],
    [["dismiss", "1", "-o", "pretty"], { TRTC_OUTPUT: "json" }, { format: "pretty" }, {}],
    [["dismiss", "1"], { TRTC_OUTPUT: "" }, { format: "pretty" }, {}],
    [["dismiss", "1"], { TRTC_CONFIG: "/etc/trtc.yaml" }, {}, { config: "/etc/trtc.yaml" }],
    [["-c", "./ci.trtcrc", "dismiss", "1"], { TRTC_CONFIG: "/etc/trtc.yaml" }, {}, { config: "./ci.trtcrc" }],
    [["dismiss", "1", "--config", "./ci.trtcrc"], {}, {}, { config: "./ci.trtcrc" }],
    [["dismiss", "1"], { TRTC_DEBUG: "1" }, { debug: true }, {}],
    [["dismiss", "1"], { TRTC_DEBUG: "0" }, { debug: false }, {}],
    [["dismiss", "1"], { TRTC_DEBUG: "true" }, { debug: false }, {}],
    [["--debug", "dismiss", "1"], {}, { debug: true }, {}],
    // Settings that the resolver combines with the profile and environment later.
    [["-p", "staging", "dismiss", "1", "--sdk-app-id", "1400000002"], {}, {}, { profile: "staging", sdkAppId: "1400000002" }],
    [
      ["dismiss", "1", "--profile", "prod", "--region", "ap-beijing", "--endpoint", "http://127.0.0.1:9"],
      {},
      {},
      { profile: "prod", region: "ap-beijing", endpoint: "http://127.0.0.1:9" },
    ],
    // Numbers: one parser, plain decimals within the range the code can honour.
    [["dismiss", "1", "--timeout", "0.5"], {}, { timeoutMs: 500 }, {}],
    [["--timeout", "86400", "dismiss", "1"], {}, { timeoutMs: 86_400_000 }, {}],
    [["dismiss", "1", "--timeout", "0.001"], {}, { timeoutMs: 1 }, {}],
    [["dismiss", "1", "--rate", "0"], {}, { rate: 0 }, {}],
    [["dismiss", "1", "--rate", "10000", "--concurrency", "1000", "--max-attempts", "100"], {}, { rate: 10_000, concurrency: 1000, maxAttempts: 100 }, {}],
    [["--max-attempts", "1", "--concurrency", "1", "dismiss", "1"], {}, { maxAttempts: 1, concurrency: 1 }, {}],
  ])("%j with env %j", async (argv, env, run, flags) => {
    const { ctx } = await parse(argv, env);
    expect(ctx.run).toEqual({ ...defaults, ...run });
    expect(ctx.flags).toEqual(flags);
  });

  it.each<[string[], Record<string, string>, number]>([
    [["dismiss", "1"], { FORCE_COLOR: "1" }, 1],
    [["dismiss", "1", "--no-color"], { FORCE_COLOR: "1" }, 0],
    [["--no-color", "dismiss", "1"], { FORCE_COLOR: "1" }, 0],
    [["dismiss", "1"], { FORCE_COLOR: "1", NO_COLOR: "1" }, 0],
    [["dismiss", "1"], {}, 0],
  ])("%j with env %j: colour level %d", async (argv, env, level) => {
    const { ctx } = await parse(argv, env);
    expect([ctx.term.outColor.level, ctx.term.errColor.level]).toEqual([level, level]);
  });

  it.each<[string[], Record<string, unknown>]>([
    [["dismiss", "1", "--str-room"], { strRoom: true }],
    [["dismiss", "1", "--numeric-room"], { numericRoom: true }],
    [["kick", "1", "a", "-y", "--dry-run", "--ignore-missing", "--from-file", "-"], { yes: true, dryRun: true, ignoreMissing: true, fromFile: "-" }],
  ])("%j: command options %j", async (argv, opts) => {
    expect((await parse(argv)).opts).toEqual(opts);
  });
});

describe("refused options exit 2 before anything is planned or sent", () => {
  it.each<[string[], Record<string, string>, RegExp]>([
    [["--json", "-o", "pretty", "dismiss", "1"], {}, /option '--json' cannot be used with option '-o, --output <format>'/],
    [["dismiss", "1", "-o", "ndjson", "--json"], {}, /cannot be used with/],
    [["dismiss", "1", "-o", "xml"], {}, /argument 'xml' is invalid. Allowed choices are pretty, json, ndjson/],
    [["dismiss", "1"], { TRTC_OUTPUT: "xml" }, /invalid TRTC_OUTPUT "xml": expected pretty, json or ndjson/],
    [["dismiss", "1", "--timeout", "0x10"], {}, /'--timeout <seconds>' argument '0x10' is invalid. expected a number from 0.001 to 86400/],
    [["dismiss", "1", "--timeout", "1e3"], {}, /'--timeout <seconds>' argument '1e3' is invalid/],
    [["dismiss", "1", "--timeout", " 5"], {}, /'--timeout <seconds>' argument ' 5' is invalid/],
    [["dismiss", "1", "--timeout", "86401"], {}, /'--timeout <seconds>' argument '86401' is invalid/],
    [["dismiss", "1", "--timeout", "0"], {}, /'--timeout <seconds>' argument '0' is invalid/],
    [["dismiss", "1", "--timeout", ""], {}, /'--timeout <seconds>' argument '' is invalid/],
    [["dismiss", "1", "--rate", "-1"], {}, /'--rate <n>' argument '-1' is invalid. expected an integer from 0 to 10000/],
    [["dismiss", "1", "--rate", "0x10"], {}, /'--rate <n>' argument '0x10' is invalid/],
    [["dismiss", "1", "--rate", "1e3"], {}, /'--rate <n>' argument '1e3' is invalid/],
    [["dismiss", "1", "--concurrency", "1.5"], {}, /'--concurrency <n>' argument '1.5' is invalid/],
    [["dismiss", "1", "--concurrency", "0"], {}, /'--concurrency <n>' argument '0' is invalid/],
    [["dismiss", "1", "--max-attempts", "101"], {}, /'--max-attempts <n>' argument '101' is invalid/],
    [["dismiss", "1", "--str-room", "--numeric-room"], {}, /option '--str-room' cannot be used with option '--numeric-room'/],
    [["kick", "1", "a", "--numeric-room", "--str-room"], {}, /cannot be used with/],
    [["dismiss", "1", "--frobnicate"], {}, /unknown option '--frobnicate'/],
  ])("%j with env %j", async (argv, env, message) => {
    // --dry-run and no endpoint or credentials: were the refusal missed, still nothing would leave the machine.
    const r = await runIn([...argv, "--dry-run"], { env: { PATH: process.env.PATH, NO_COLOR: "1", ...env } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    // --json, even refused, asks for JSON: the error is said once more on stdout as a document.
    if (argv.includes("--json"))
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: "UsageError", message: expect.stringMatching(message) } });
    else expect(r.stdout).toBe("");
  });

  it("in JSON mode the refusal is a JSON error document", async () => {
    const r = await runIn(["dismiss", "1", "--json", "--rate", "-1", "--dry-run"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      error: { code: "UsageError", message: expect.stringContaining("'--rate <n>' argument '-1' is invalid") },
    });
  });
});
