import { execFile, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { apiRequests, emulator, emulatorEnv, seedApp } from "../helpers/cli.js";

const execFileAsync = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };

/** What a clone holds before any build: the sources, without dist/ or node_modules. */
function cloneWithoutBuild(into: string): string {
  const repo = join(into, "repo");
  for (const entry of ["package.json", "package-lock.json", ".trtcrc.example", "tsconfig.json", "tsconfig.build.json", "bin", "scripts", "src"])
    cpSync(join(ROOT, entry), join(repo, entry), { recursive: true });
  return repo;
}

/** Runs an installed trtc-admin (a path, run as the shell would: through its #! line) and never throws. */
const runInstalled = (bin: string, args: string[], env: NodeJS.ProcessEnv) =>
  execFileAsync(bin, args, { env, encoding: "utf8" }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );

describe("a clone", () => {
  it("without a build: the binary prints one line naming `npm run build` and exits 3, without a stack trace", () => {
    const repo = cloneWithoutBuild(mkdtempSync(join(tmpdir(), "trtc-clone-")));
    const r = spawnSync(process.execPath, [join(repo, "bin/trtc-admin.cjs"), "kick", "1234", "alice", "--yes"], { encoding: "utf8" });
    expect(r.status).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`trtc-admin: error: ${join(repo, "dist/cli.cjs")} is missing: run \`npm run build\` in ${repo} (after \`npm ci\`)\n`);
  });

  it("`npm install -g` of a clone with its devDependencies installed (as by npm ci) builds it in prepare and gives a working trtc-admin", async () => {
    const work = mkdtempSync(join(tmpdir(), "trtc-clone-"));
    const repo = cloneWithoutBuild(work);
    // The devDependencies `npm ci` would install, found by Node's and npm's upward search from the clone.
    symlinkSync(join(ROOT, "node_modules"), join(work, "node_modules"), "dir");
    const prefix = join(work, "global");
    mkdirSync(prefix);
    const installed = spawnSync("npm", ["install", "-g", "--prefix", prefix, repo, "--no-audit", "--no-fund", "--offline"], { encoding: "utf8" });
    expect(installed.status, installed.stderr).toBe(0);
    expect(existsSync(join(repo, "dist/cli.cjs"))).toBe(true);

    const emu = await emulator({ seed: seedApp({ "1234": ["alice"] }) });
    try {
      const env = emulatorEnv(emu);
      expect(await runInstalled(join(prefix, "bin/trtc-admin"), ["--version"], env)).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
      const kicked = await runInstalled(join(prefix, "bin/trtc-admin"), ["kick", "1234", "alice", "--yes"], env);
      expect(kicked.code, kicked.stderr).toBe(0);
      expect(apiRequests(emu)).toEqual([{ action: "RemoveUser", roomId: 1234, userIds: ["alice"], code: null }]);
    } finally {
      await emu.close();
    }
  }, 120_000);
});
