import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * End-to-end tests run the built binary and the packed library, so build both once from the current sources.
 * Every temporary directory of the run (the tests', the workers', the spawned binaries') goes under one root
 * that is removed at the end: os.tmpdir() honours TMPDIR, and workers and children inherit it.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "trtc-test-run-"));
  process.env.TMPDIR = root;
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
  return () => rmSync(root, { recursive: true, force: true, maxRetries: 3 });
}
