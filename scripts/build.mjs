// Bundles src/ and its dependencies into dist/ with code splitting: start-up reads a few
// files instead of resolving dozens of packages, and each command loads only what it uses.
import { build } from "esbuild";
import { readFile, rm } from "node:fs/promises";

const { version } = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
await rm(new URL("../dist", import.meta.url), { recursive: true, force: true });
// The SDK's signer loads json-bigint (and bignumber.js) only to serialise a payload that is not
// a Buffer; trtc-admin always signs a Buffer, so a stand-in keeps ~100 KB off every request's start-up.
const signerOnly = {
  name: "signer-only",
  setup(b) {
    b.onResolve({ filter: /^json-bigint$/ }, () => ({ path: "json-bigint", namespace: "signer-only" }));
    b.onLoad({ filter: /.*/, namespace: "signer-only" }, () => ({ contents: "module.exports = () => JSON;", loader: "js" }));
  },
};

// commander requires node:child_process at load for executable subcommands, which we do not use;
// loading it (and the net and dgram it pulls in) on every start cost a few milliseconds.
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/, namespace: "file" }, (args) =>
      /node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: "child_process", namespace: "lazy-child-process" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lazy-child-process" }, () => ({
      contents: 'module.exports = new Proxy({}, { get: (_, key) => require("node:child_process")[key] });',
      loader: "js",
    }));
  },
};

await build({
  entryPoints: { bin: "src/bin.ts", emulator: "src/emulator/server.ts", index: "src/index.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // The inventory's drivers stay packages: libsql loads a native addon, pg an optional native binding.
  external: ["@libsql/client", "pg"],
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  define: { TRTC_ADMIN_VERSION: JSON.stringify(version) },
  minify: true,
  legalComments: "none",
  plugins: [signerOnly, lazyChildProcess],
  logLevel: "warning",
});
