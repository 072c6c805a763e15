// Builds dist/: the CLI as one CommonJS bundle with a V8 code cache (bin/trtc-admin.cjs runs it),
// and the library as ES modules split so each entry loads only what it uses.
// Measured start-up: ES module loading cost ~15 ms per run (URL resolution, one fetch per chunk);
// one CommonJS file compiled from its code cache costs a few.

import { readFile, rm, writeFile } from "node:fs/promises";

// A global install of a folder runs `prepare` without installing the devDependencies (npm/cli#8440).
const { build } = await import("esbuild").catch((err) => {
  if (err.code !== "ERR_MODULE_NOT_FOUND") throw err;
  console.error("trtc-admin: the build needs the devDependencies (esbuild, typescript): run `npm ci` first, then `npm run build`");
  process.exit(1);
});

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

// cosmiconfig's default loaders (src/config/load.ts passes its own) require typescript, parse-json
// and import-fresh: bundled, they made the CLI ten times larger.
const ownLoadersOnly = {
  name: "own-loaders-only",
  setup(b) {
    b.onResolve({ filter: /^\.\/loaders$/ }, (args) =>
      /node_modules[\\/]cosmiconfig[\\/]/.test(args.importer) ? { path: "loaders", namespace: "own-loaders-only" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "own-loaders-only" }, () => ({ contents: "module.exports = {};", loader: "js" }));
  },
};

// The CLI bundle runs through vm.Script, where import() throws; a JavaScript config is imported
// by a plain CommonJS file beside it instead, which Node compiles and links itself.
const NATIVE_IMPORT = "./native-import.cjs";
const nativeImport = {
  name: "native-import",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]config[\\/]native-import\.ts$/ }, () => ({
      contents: `export const nativeImport = (url) => require(${JSON.stringify(NATIVE_IMPORT)})(url);`,
      loader: "js",
    }));
  },
};

const shared = {
  bundle: true,
  platform: "node",
  target: "node20",
  define: { TRTC_ADMIN_VERSION: JSON.stringify(version) },
  minify: true,
  legalComments: "none",
  // The inventory's drivers stay packages: libsql loads a native addon, pg an optional native binding.
  external: ["@libsql/client", "pg"],
  plugins: [signerOnly, lazyChildProcess, ownLoadersOnly],
  logLevel: "warning",
};

await build({
  ...shared,
  entryPoints: { index: "src/index.ts" },
  outdir: "dist",
  splitting: true,
  format: "esm",
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});

// The library for require(): one CommonJS file (a program that requires it pays for the whole
// library once, as require() cannot load the split chunks lazily).
await build({
  ...shared,
  entryPoints: { index: "src/index.ts" },
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
  format: "cjs",
  define: { ...shared.define, "import.meta.url": "__importMetaUrl" },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});

await build({
  ...shared,
  entryPoints: { cli: "src/bin.ts" },
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
  format: "cjs",
  plugins: [...shared.plugins, nativeImport],
  external: [...shared.external, NATIVE_IMPORT],
  // import() becomes require(): a lazy module is still evaluated only when used, without the ES module loader.
  supported: { "dynamic-import": false },
  define: { ...shared.define, "import.meta.url": "__importMetaUrl" },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});

await writeFile(new URL("../dist/native-import.cjs", import.meta.url), "module.exports = (url) => import(url);\n");

// The code cache: V8's compiled form of the bundle, written by a run that compiles every function.
const { writeCodeCache } = await import("./code-cache.mjs");
await writeCodeCache(new URL("../dist/cli.cjs", import.meta.url));
