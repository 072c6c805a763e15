import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "../../src");

function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : entry.name.endsWith(".ts") ? [path] : [];
  });
}

const files = sources().map((path) => ({ path: relative(SRC, path), text: readFileSync(path, "utf8") }));
const layer = (path: string) => (path.includes("/") ? path.split("/")[0]! : path);
const imports = (text: string) => [...text.matchAll(/from "([^"]+)"|import\("([^"]+)"\)/g)].map((m) => m[1] ?? m[2]!);
/** Relative modules loaded at run time: static imports and re-exports that are not type-only, and dynamic imports. */
const runtimeImports = (text: string) =>
  [...text.matchAll(/^(?:import|export) (?!type )[^;]*?from "(\.[^"]+)"|import\("(\.[^"]+)"\)/gms)].map((m) => m[1] ?? m[2]!);

/** Which layers each layer may import; the folders are the architecture. */
const ALLOWED: Record<string, string[]> = {
  plan: ["plan", "errors.ts"],
  trtc: ["trtc", "errors.ts"],
  run: ["run", "plan", "trtc", "errors.ts"],
  config: ["config", "plan", "trtc", "errors.ts"],
  output: ["output", "plan", "trtc", "errors.ts", "emulator", "events", "store"],
  // The emulator states the API's rules itself (src/emulator/rules.ts): sharing the client's would let one wrong rule pass both sides.
  emulator: ["emulator"],
  // The inventory: events parse, verify and fold callbacks and define the sink they need; the store persists and folds with them.
  events: ["events", "plan", "errors.ts"],
  store: ["store", "events", "plan", "errors.ts"],
  // The application layer: what the CLI's commands and the library both do, without the terminal.
  app: ["app", "config", "plan", "run", "trtc", "store", "events", "errors.ts", "exit-codes.ts"],
  commands: ["commands", "app", "config", "output", "plan", "run", "trtc", "emulator", "events", "store", "errors.ts", "exit-codes.ts"],
  // The entry points: the CLI's loads the program; the library's exposes the application layer and the test helpers.
  "bin.ts": ["commands"],
  "index.ts": ["app", "plan", "trtc", "store", "emulator", "errors.ts", "exit-codes.ts"],
  // Errors say what went wrong, for every layer: they depend on none.
  "errors.ts": [],
  // How things ended, as exit codes: errors, runs (app/), ingests (events/), doctor and the library's reports.
  "exit-codes.ts": ["errors.ts", "app", "events"],
};

/** Where exit codes are chosen: the CLI's entry and commands, the library's entry and client. */
const EDGE = (path: string) => ["bin.ts", "index.ts", "exit-codes.ts", "app/admin.ts"].includes(path) || layer(path) === "commands";
const target = (file: { path: string }, spec: string) => relative(SRC, join(SRC, file.path, "..", spec)).replace(/\.js$/, ".ts");

/** Touching this process: exiting it, its standard streams, its signals and events. */
const OWN_PROCESS =
  /\bprocess\s*\.\s*(exit\w*|stdout|stderr|stdin|on|once|off|addListener|prependListener|prependOnceListener|removeListener|removeAllListeners|emit|kill)\b|\bconsole\s*\./;
/** Killing a spawned child's process group (a negative pid) is not touching this process. */
const CHILD_GROUP_KILL = /\bprocess\s*\.\s*kill\s*\(\s*-/g;

describe("layering", () => {
  it.each(files.filter((f) => ALLOWED[layer(f.path)]).map((f) => [f.path, f] as const))("%s imports only from allowed layers", (_, file) => {
    for (const spec of imports(file.text).filter((s) => s.startsWith("."))) {
      const imported = target(file, spec);
      expect(ALLOWED[layer(file.path)], `${file.path} imports ${imported}`).toContain(layer(imported));
    }
  });

  it("every source file belongs to a layer with rules", () => {
    expect(files.filter((f) => !ALLOWED[layer(f.path)]).map((f) => f.path)).toEqual([]);
  });

  it("commands/ is wiring: the engine (run/, events/, trtc/, store/) is reached through app/, only argument parsers and limits directly", () => {
    const parsers = ["run/limits.ts", "trtc/endpoint.ts", "store/filters.ts", "store/glob.ts"];
    const offenders = files
      .filter((f) => layer(f.path) === "commands")
      .flatMap((f) =>
        runtimeImports(f.text)
          .map((spec) => target(f, spec))
          .filter((imported) => ["run", "events", "trtc", "store"].includes(layer(imported)) && !parsers.includes(imported))
          .map((imported) => `${f.path} imports ${imported}`),
      );
    expect(offenders).toEqual([]);
  });

  it("the library's entry calls the application layer: its own imports are app/, errors.ts and exit-codes.ts, the rest re-exports and types", () => {
    const index = files.find((f) => f.path === "index.ts")!;
    const own = [...index.text.matchAll(/^import (?!type )[^;]*?from "([^"]+)"/gms)].map((m) => m[1]!);
    expect(own.filter((spec) => !spec.startsWith("./app/") && spec !== "./errors.js" && spec !== "./exit-codes.js")).toEqual([]);
  });

  it("only the entry point exits the process or touches process streams and signals", () => {
    const offenders = files.filter((f) => f.path !== "bin.ts" && OWN_PROCESS.test(f.text.replace(CHILD_GROUP_KILL, ""))).map((f) => f.path);
    expect(offenders).toEqual([]);
  });

  it.each([
    "process.exit(1)",
    "process.exitCode = 2",
    "process.once('exit', f)",
    "process . on ('SIGINT', f)",
    'process.on("SIGTERM", f)',
    "process.kill(process.pid)",
    "process.stdout.write(s)",
    "console.log(s)",
  ])("the process rule catches %s", (code) => {
    expect(OWN_PROCESS.test(code.replace(CHILD_GROUP_KILL, ""))).toBe(true);
  });

  it("no module outside the edge imports the exit codes or their mapping", () => {
    const offenders = files
      .filter((f) => !EDGE(f.path))
      .filter((f) => imports(f.text).some((spec) => spec.startsWith(".") && target(f, spec) === "exit-codes.ts"))
      .map((f) => f.path);
    expect(offenders).toEqual([]);
  });

  it("no two exported types share a name (the emulator states its own, by design)", () => {
    const where = new Map<string, string[]>();
    for (const file of files.filter((f) => layer(f.path) !== "emulator"))
      for (const [, name] of file.text.matchAll(/^export (?:interface|type|class|enum) (\w+)/gm)) where.set(name!, [...(where.get(name!) ?? []), file.path]);
    expect([...where].filter(([, paths]) => paths.length > 1)).toEqual([]);
  });

  it("only the output layer loads chalk or ora", () => {
    const offenders = files.filter((f) => layer(f.path) !== "output" && imports(f.text).some((s) => s === "chalk" || s === "ora")).map((f) => f.path);
    expect(offenders).toEqual([]);
  });

  it("the SDK signer, ora and the emulator stay off the start-up path", () => {
    for (const file of files.filter((f) => layer(f.path) === "commands")) {
      expect(file.text, file.path).not.toMatch(/^import [^t].*from "\.\.\/(trtc\/client|emulator\/server|run\/executor)\.js"/m);
    }
    // The client module itself holds the signer and is only ever imported lazily (checked above).
    for (const file of files.filter((f) => f.path !== "trtc/client.ts"))
      expect(file.text, file.path).not.toMatch(/^import (?!type ).*from "(ora|tencentcloud-sdk-nodejs-common\/tencentcloud\/common\/sign\.js)"/m);
  });
});
