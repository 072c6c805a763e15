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
  app: ["app", "config", "plan", "run", "trtc", "store", "events", "errors.ts"],
  commands: ["commands", "app", "config", "output", "plan", "run", "trtc", "emulator", "events", "store", "errors.ts"],
};

describe("layering", () => {
  it.each(files.filter((f) => ALLOWED[layer(f.path)]).map((f) => [f.path, f] as const))("%s imports only from allowed layers", (_, file) => {
    for (const spec of imports(file.text).filter((s) => s.startsWith("."))) {
      const target = relative(SRC, join(SRC, file.path, "..", spec)).replace(/\.js$/, ".ts");
      expect(ALLOWED[layer(file.path)], `${file.path} imports ${target}`).toContain(layer(target));
    }
  });

  it("commands/ is wiring: the engine (run/, events/, trtc/, store/) is reached through app/, only argument parsers and limits directly", () => {
    const parsers = ["run/limits.ts", "trtc/endpoint.ts", "store/filters.ts", "store/glob.ts"];
    const offenders = files
      .filter((f) => layer(f.path) === "commands")
      .flatMap((f) =>
        runtimeImports(f.text)
          .map((spec) => relative(SRC, join(SRC, f.path, "..", spec)).replace(/\.js$/, ".ts"))
          .filter((target) => ["run", "events", "trtc", "store"].includes(layer(target)) && !parsers.includes(target))
          .map((target) => `${f.path} imports ${target}`),
      );
    expect(offenders).toEqual([]);
  });

  it("the library's entry calls the application layer: its own imports are app/ and errors.ts, the rest re-exports and types", () => {
    const index = files.find((f) => f.path === "index.ts")!;
    const own = [...index.text.matchAll(/^import (?!type )[^;]*?from "([^"]+)"/gms)].map((m) => m[1]!);
    expect(own.filter((spec) => !spec.startsWith("./app/") && spec !== "./errors.js")).toEqual([]);
  });

  it("only the entry point exits the process or touches process streams and signals", () => {
    const offenders = files.filter((f) => f.path !== "bin.ts" && /process\.(exit|stdout|stderr|stdin|on\()|console\./.test(f.text)).map((f) => f.path);
    expect(offenders).toEqual([]);
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
