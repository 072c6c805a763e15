// Bundles src/ and its dependencies into dist/ with code splitting: start-up reads a few
// files instead of resolving dozens of packages, and each command loads only what it uses.
import { build } from "esbuild";
import { readFile, rm } from "node:fs/promises";

const { version } = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
await rm(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { bin: "src/bin.ts", emulator: "src/emulator/server.ts", index: "src/index.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // cosmiconfig loads TypeScript only for .ts config files, which we do not search for.
  // The inventory's drivers stay packages: libsql loads a native addon, pg an optional native binding.
  external: ["typescript", "@libsql/client", "pg"],
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  define: { TRTC_ADMIN_VERSION: JSON.stringify(version) },
  logLevel: "warning",
});
