// Bundles src/ into dist/ with code splitting, so commands load only the modules they use.
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
  packages: "external",
  define: { TRTC_ADMIN_VERSION: JSON.stringify(version) },
  logLevel: "warning",
});
