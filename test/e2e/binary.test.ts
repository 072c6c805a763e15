import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.js";
import { APP, apiRequests, BIN, emulator, emulatorEnv, run, seedApp } from "../helpers/cli.js";

// The rest of the command tests run in-process (test/helpers/inproc.ts); these few prove the installed binary
// itself works: its entry point, the bundle, stdout/stderr and the exit code reaching the shell.
const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../package.json"), "utf8")) as { version: string };

let emu: Emulator;
beforeEach(async () => {
  emu = await emulator({ seed: seedApp({ "123": ["alice", "bob"] }) });
});
afterEach(() => emu.close());

describe("the built binary", () => {
  it("--version and -V print the package version", async () => {
    for (const flag of ["--version", "-V"]) {
      const r = await run([flag]);
      expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
    }
  });

  it("--help prints the program's help, the same text as in-process", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^Usage: trtc-admin \[options\] \[command\]\n/);
    expect(r.stdout).toContain("\nExit codes:\n");
  });

  it("exit 0: a kick reaches the emulator", async () => {
    const r = await run(["kick", "123", "alice", "--yes"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(0);
    expect(apiRequests(emu)).toEqual([{ action: "RemoveUser", roomId: 123, userIds: ["alice"], code: null }]);
    expect(r.stdout).toContain("RemoveUser room 123 users alice done");
  });

  it("exit 1: a failed request", async () => {
    const r = await run(["dismiss", "999", "--yes", "--json"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).results[0]).toMatchObject({ status: "failed", error: { code: "FailedOperation.RoomNotExist" } });
  });

  it("exit 2: a usage error, nothing sent", async () => {
    const r = await run(["dismiss", "0", "--yes"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid numeric room id "0"/);
    expect(emu.requests).toHaveLength(0);
  });

  it("exit 2: an unknown command, from commander", async () => {
    const r = await run(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });

  it("exit 3: no credentials, nothing sent", async () => {
    const r = await run(["dismiss", "123", "--yes"], { env: emulatorEnv(emu, { TENCENTCLOUD_SECRET_ID: undefined, TENCENTCLOUD_SECRET_KEY: undefined }) });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no credentials for profile "default"/);
    expect(emu.requests).toHaveLength(0);
  });

  it.each([
    [".trtcrc.mjs", "export default"],
    [".trtcrc.cjs", "module.exports ="],
    ["trtc.config.js", "export default"],
  ])("a JavaScript config (%s) is loaded by the bundle, and its profile sends", async (name, exporter) => {
    const dir = mkdtempSync(join(tmpdir(), "trtc-jsconfig-"));
    if (name.endsWith(".js")) writeFileSync(join(dir, "package.json"), '{"type":"module"}');
    writeFileSync(join(dir, name), `${exporter} { profiles: { default: { sdkAppId: ${APP}, region: "ap-guangzhou" } } };\n`);
    const r = await run(["kick", "123", "alice", "--yes", "--json"], { cwd: dir, env: emulatorEnv(emu, { TRTC_SDK_APP_ID: undefined }) });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(apiRequests(emu)).toEqual([{ action: "RemoveUser", roomId: 123, userIds: ["alice"], code: null }]);
  });

  it("a reader slower than the run still gets every line and the summary before the exit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trtc-slow-reader-"));
    writeFileSync(join(dir, "rooms.txt"), `${Array.from({ length: 500 }, (_, i) => i + 1).join("\n")}\n`);
    // `| (sleep 1; cat)`: nothing is read for a second, so the pipe (64 KiB) fills and Node queues the
    // rest of the output (about 75 KiB) until the reader starts.
    const cli = [process.execPath, BIN, "dismiss", "--from-file", "rooms.txt", "--dry-run", "--sdk-app-id", String(APP), "-o", "ndjson"];
    const script = `{ ${cli.map((a) => `'${a}'`).join(" ")}; echo "exit $?" >&2; } | (sleep 1; cat)`;
    const child = spawn("sh", ["-c", script], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir } });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    await new Promise((resolve) => child.on("close", resolve));
    const code = /exit (\d+)/.exec(err)?.[1];
    expect(code).toBe("0");
    const lines = out.trim().split("\n");
    expect(lines).toHaveLength(501);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ summary: { total: 500, planned: 500 } });
  });
});
