import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cloneWithoutBuild } from "./clone.js";

// `npm install -g` of a clone, which builds it, is in pack.test.ts: the package is packed from that build.
describe("a clone", () => {
  it("without a build: the binary prints one line naming `npm run build` and exits 3, without a stack trace", () => {
    const repo = cloneWithoutBuild(mkdtempSync(join(tmpdir(), "trtc-clone-")));
    const r = spawnSync(process.execPath, [join(repo, "bin/trtc-admin.cjs"), "kick", "1234", "alice", "--yes"], { encoding: "utf8" });
    expect(r.status).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`trtc-admin: error: ${join(repo, "dist/cli.cjs")} is missing: run \`npm run build\` in ${repo} (after \`npm ci\`)\n`);
  });
});
