import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Every temporary directory of a run (the tests', the workers', the spawned binaries') goes under one
 * root that is removed at the end: os.tmpdir() honours TMPDIR, and workers and children inherit it.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "trtc-test-run-"));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true, maxRetries: 3 });
}
