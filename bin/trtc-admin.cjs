#!/usr/bin/env node
// Runs the CLI bundle with the V8 code cache built beside it, so start-up skips compiling it.
// A cache from another Node or V8 version is rejected by V8 and the bundle compiles as usual.
const { readFileSync } = require("node:fs");
const { createRequire, wrap } = require("node:module");
const { join } = require("node:path");
const { Script } = require("node:vm");

const file = join(__dirname, "../dist/cli.cjs");
let source;
try {
  source = readFileSync(file, "utf8");
} catch (err) {
  if (err.code !== "ENOENT") throw err;
  // A clone installed with --ignore-scripts, or a build that failed: say how to build, without a stack trace.
  process.stderr.write(`trtc-admin: error: ${file} is missing: run \`npm run build\` in ${join(__dirname, "..")} (after \`npm ci\`)\n`);
  process.exitCode = 3;
}
if (source !== undefined) {
  let cachedData;
  try {
    cachedData = readFileSync(`${file}.cache`);
  } catch {}
  const script = new Script(wrap(source), { filename: file, cachedData });
  const cli = { exports: {} };
  script.runInThisContext().call(cli.exports, cli.exports, createRequire(file), cli, file, join(__dirname, "../dist"));
}
