// Writes dist/cli.cjs.cache: V8's compiled form of the CLI bundle. V8 caches only functions that
// have run, so the bundle is run here for the common commands first (the last one sends a real
// request to a closed local port, compiling the client, signer and scheduler without a server).
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

const runs = [
  ["--help"],
  ["kick", "--help"],
  ["kick", "1", "a", "b", "--dry-run", "--sdk-app-id", "1"],
  ["dismiss", "1", "x", "--dry-run", "--json", "--sdk-app-id", "1"],
  ["kick", "1", "a", "--yes", "--sdk-app-id", "1", "--endpoint", "http://127.0.0.1:9", "--max-attempts", "1"],
];

const generator = `
const { readFileSync, writeFileSync } = require("node:fs");
const { createRequire, wrap } = require("node:module");
const { dirname } = require("node:path");
const { Script } = require("node:vm");
const [file, runs] = [process.argv[1], JSON.parse(process.argv[2])];
const script = new Script(wrap(readFileSync(file, "utf8")), { filename: file });
const write = process.stdout.write.bind(process.stdout);
(async () => {
  for (const args of runs) {
    process.argv = [process.argv[0], file, ...args];
    await new Promise((resolve) => {
      process.exit = resolve;
      process.stdout.write = process.stderr.write = () => true;
      const cli = { exports: {} };
      script.runInThisContext().call(cli.exports, cli.exports, createRequire(file), cli, file, dirname(file));
    });
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.removeAllListeners(signal);
  }
  writeFileSync(file + ".cache", script.createCachedData());
  process.stdout.write = write;
  process.exitCode = 0;
  setImmediate(() => process.reallyExit(0));
})();
`;

export async function writeCodeCache(bundleUrl) {
  const env = { PATH: process.env.PATH, HOME: "/nonexistent", TENCENTCLOUD_SECRET_ID: "AKIDcodecache", TENCENTCLOUD_SECRET_KEY: "codecache", NO_COLOR: "1" };
  const r = spawnSync(process.execPath, ["-e", generator, fileURLToPath(bundleUrl), JSON.stringify(runs)], {
    env,
    cwd: tmpdir(),
    stdio: ["ignore", "ignore", "inherit"],
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`could not write the code cache (${r.status ?? r.signal})`);
}
