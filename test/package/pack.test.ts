import { execFile, execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY } from "../../src/emulator/server.js";
import { APP, apiRequests, emulator, emulatorEnv, seedApp } from "../helpers/cli.js";
import { cloneWithoutBuild, ROOT } from "./clone.js";

const execFileAsync = promisify(execFile);
const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
const work = mkdtempSync(join(tmpdir(), "trtc-pack-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// The drivers come from npm's cache when `npm ci` has already fetched them, else from the registry.
const npm = (args: string[], cwd: string) =>
  spawnSync("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline", "--loglevel", "warn"], { cwd, encoding: "utf8" });

/** Runs an installed trtc-admin (a path, run as the shell would: through its #! line) and never throws. */
const runInstalled = (bin: string, args: string[], env: NodeJS.ProcessEnv) =>
  execFileAsync(bin, args, { env, encoding: "utf8" }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );

// One build for both tests, as a user's would be: a clone built by `npm install -g` (its prepare), then packed.
const clone = join(work, "clone");
let repo: string;
let installedClone: ReturnType<typeof spawnSync>;
beforeAll(() => {
  mkdirSync(clone);
  repo = cloneWithoutBuild(clone);
  // The devDependencies `npm ci` would install, found by Node's and npm's upward search from the clone.
  symlinkSync(join(ROOT, "node_modules"), join(clone, "node_modules"), "dir");
  mkdirSync(join(clone, "global"));
  installedClone = spawnSync("npm", ["install", "-g", "--prefix", join(clone, "global"), repo, "--no-audit", "--no-fund", "--offline"], { encoding: "utf8" });
}, 120_000);

describe("a clone", () => {
  it("`npm install -g` of a clone with its devDependencies installed (as by npm ci) builds it in prepare and gives a working trtc-admin", async () => {
    expect(installedClone.status, String(installedClone.stderr)).toBe(0);
    expect(existsSync(join(repo, "dist/cli.cjs"))).toBe(true);

    const emu = await emulator({ seed: seedApp({ "1234": ["alice"] }) });
    try {
      const env = emulatorEnv(emu);
      const bin = join(clone, "global/bin/trtc-admin");
      expect(await runInstalled(bin, ["--version"], env)).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
      const kicked = await runInstalled(bin, ["kick", "1234", "alice", "--yes"], env);
      expect(kicked.code, kicked.stderr).toBe(0);
      expect(apiRequests(emu)).toEqual([{ action: "RemoveUser", roomId: 1234, userIds: ["alice"], code: null }]);
    } finally {
      await emu.close();
    }
  }, 120_000);
});

describe("the packed package", () => {
  it("installs alone, without warnings beyond npm's note on its own prepare script, type-checks with its .d.ts files, runs against the emulator through import and require(), and `npm install -g` of it gives a working trtc-admin", async () => {
    expect(installedClone.status, String(installedClone.stderr)).toBe(0);
    const packed = npm(["pack", "--ignore-scripts", "--pack-destination", work], repo);
    expect(packed.status, packed.stderr).toBe(0);
    const tarball = join(work, readdirSync(work).find((f) => f.endsWith(".tgz"))!);

    const project = join(work, "project");
    execFileSync("mkdir", ["-p", project]);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    const installed = npm(["install", "--omit=dev", tarball], project);
    expect(installed.status, installed.stderr).toBe(0);
    // npm's allowScripts advisory lists `prepare` (the clone's build) for a package from a file, never from
    // the registry, and never runs it for a tarball; any other warning, or another package listed, fails.
    const warnings = `${installed.stdout}${installed.stderr}`.split("\n").filter((line) => /warn/i.test(line));
    const advisory = /^npm warn install-scripts( .*(covered by allowScripts:|`npm install-scripts ls`.*)| {3}trtc-admin@[^ ]+ \(prepare: npm run build\))?$/;
    expect(warnings.filter((line) => !advisory.test(line))).toEqual([]);
    // Everything else is bundled: only the inventory's database drivers (and theirs) are installed.
    const tree = npm(["ls", "--all", "--parseable"], project)
      .stdout.split("\n")
      .filter(Boolean)
      .map((path) => path.split("node_modules/").at(-1));
    expect(tree).toContain("trtc-admin");
    expect(tree).toEqual(expect.arrayContaining(["@libsql/client", "pg"]));
    for (const bundled of ["commander", "chalk", "ora", "p-queue", "js-yaml", "https-proxy-agent", "tencentcloud-sdk-nodejs-common", "cosmiconfig"])
      expect(tree).not.toContain(bundled);

    copyFileSync(join(ROOT, "test/package/consumer.ts"), join(project, "consumer.ts"));
    const tsc = spawnSync(
      process.execPath,
      [
        join(ROOT, "node_modules/typescript/bin/tsc"),
        "--strict",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "--target",
        "es2022",
        "--types",
        "node",
        "--typeRoots",
        join(ROOT, "node_modules/@types"),
        // TypeScript's own lib files are not the package's to check, and checking them was half the compile.
        "--skipDefaultLibCheck",
        "--outDir",
        join(project, "out"),
        "consumer.ts",
      ],
      { cwd: project, encoding: "utf8" },
    );
    expect(tsc.status, tsc.stdout).toBe(0);

    // `npm install -g` of the tarball: the same bundle, run through the global bin link.
    const prefix = join(work, "global");
    const global = npm(["install", "-g", "--prefix", prefix, tarball], work);
    expect(global.status, global.stderr).toBe(0);

    const emu = await emulator({ seed: seedApp({ "1234": ["alice", "bob"], "5678": ["dave"] }, { standup: ["carol"] }) });
    try {
      // Asynchronously: the emulator answers from this process's event loop.
      const child = await execFileAsync(process.execPath, [join(project, "out/consumer.js")], {
        cwd: project,
        encoding: "utf8",
        env: { PATH: process.env.PATH, APP: String(APP), ENDPOINT: emu.url, SECRET_ID: DEFAULT_SECRET_ID, SECRET_KEY: DEFAULT_SECRET_KEY },
      }).then(
        (r) => ({ status: 0, ...r }),
        (err: { code: number; stdout: string; stderr: string }) => ({ status: err.code, stdout: err.stdout, stderr: err.stderr }),
      );
      expect(child.status, child.stderr).toBe(0);
      const out = JSON.parse(child.stdout);
      expect(out.planned).toEqual([{ action: "RemoveUser", sdkAppId: APP, room: { roomId: 1234, roomIdType: "numeric" }, userIds: ["alice", "bob"] }]);
      expect(out.kicked).toMatchObject({
        ok: true,
        exitCode: 0,
        summary: { total: 1, done: 1 },
        results: [{ action: "RemoveUser", roomId: 1234, userIds: ["alice"], status: "done" }],
      });
      expect(out.dismissed.results.map((r: { action: string; status: string }) => [r.action, r.status])).toEqual([
        ["DismissRoomByStrRoomId", "done"],
        ["DismissRoom", "done"],
      ]);
      expect(out.streamed).toBe(1);
      expect(out.usage).toBe(2);
      // The bundle is minified: the class keeps its name only because it sets it.
      expect(out.errorName).toBe("UsageError");
      expect(emu.requests.map((q) => q.action)).toEqual(["RemoveUser", "DismissRoomByStrRoomId", "DismissRoom"]);

      // require("trtc-admin") from CommonJS, with config found by the bundled cosmiconfig in the program's directory.
      const cjs = join(project, "cjs");
      execFileSync("mkdir", ["-p", cjs]);
      copyFileSync(join(ROOT, "test/package/consumer.cjs"), join(cjs, "consumer.cjs"));
      writeFileSync(join(cjs, ".trtcrc"), `sdkAppId: ${APP}\nendpoint: ${emu.url}\nsecretId: \${MY_ID}\nsecretKey: \${MY_KEY}\n`);
      const required = await execFileAsync(process.execPath, ["consumer.cjs"], {
        cwd: cjs,
        encoding: "utf8",
        env: { PATH: process.env.PATH, HOME: cjs, MY_ID: DEFAULT_SECRET_ID, MY_KEY: DEFAULT_SECRET_KEY },
      });
      expect(JSON.parse(required.stdout)).toMatchObject({
        report: { ok: true, exitCode: 0, results: [{ action: "RemoveUser", roomId: 5678, userIds: ["dave"], status: "done" }] },
        misuse: 2,
      });
      expect(emu.requests.map((q) => q.action)).toEqual(["RemoveUser", "DismissRoomByStrRoomId", "DismissRoom", "RemoveUser"]);

      const env = {
        PATH: process.env.PATH,
        HOME: project,
        TRTC_ENDPOINT: emu.url,
        TRTC_SDK_APP_ID: String(APP),
        TENCENTCLOUD_SECRET_ID: DEFAULT_SECRET_ID,
        TENCENTCLOUD_SECRET_KEY: DEFAULT_SECRET_KEY,
      };
      // The consumer dismissed room 1234 already.
      const dismissed = await execFileAsync(join(prefix, "bin/trtc-admin"), ["dismiss", "1234", "--yes", "--ignore-missing", "--json"], {
        env,
        encoding: "utf8",
      });
      expect(JSON.parse(dismissed.stdout)).toMatchObject({ ok: true, results: [{ action: "DismissRoom", roomId: 1234, status: "already-gone" }] });
      expect(emu.requests).toHaveLength(5);
    } finally {
      await emu.close();
    }
  }, 120_000);
});
