import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCredential } from "../../src/config/credentials.js";
import { resolveSettings } from "../../src/config/resolve.js";
import { validateConfig } from "../../src/config/schema.js";
import { ConfigError, InterruptedError } from "../../src/errors.js";
import { ExitCode } from "../../src/exit-codes.js";

const settingsFor = (credentialCommand: string) => resolveSettings({ path: "f", config: validateConfig("f", { sdkAppId: 1, credentialCommand }) }, {}, {});
const run = (command: string, signal?: AbortSignal, timeoutMs?: number) => loadCredential(settingsFor(command), {}, signal, { timeoutMs });

/** A command whose grandchild (a `sleep` exec'd by a nested shell) writes its PID to a file first. */
function sleeper(): { command: string; pidFile: string } {
  const pidFile = join(mkdtempSync(join(tmpdir(), "trtc-cred-")), "pid");
  return { command: `sh -c 'echo $$ > ${pidFile}; exec sleep 50'; echo '{"secretId":"a","secretKey":"b"}'`, pidFile };
}

/** Alive and not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 40 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

async function waitFor(file: string): Promise<number> {
  for (let i = 0; i < 100 && !(existsSync(file) && readFileSync(file, "utf8").trim()); i++) await new Promise((r) => setTimeout(r, 20));
  return Number(readFileSync(file, "utf8"));
}

describe("credentialCommand", () => {
  it("returns the credential it prints, session token included", async () => {
    await expect(run(`echo '{"secretId":"id","secretKey":"key","sessionToken":"tok"}'`)).resolves.toEqual({ secretId: "id", secretKey: "key", token: "tok" });
  });

  it("on timeout kills every process it started and fails at once with exit 3", async () => {
    const { command, pidFile } = sleeper();
    const started = Date.now();
    const err = await run(command, undefined, 500).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(ExitCode.config);
    expect((err as Error).message).toMatch(/credentialCommand of profile "default" failed: no answer within 0.5 s/);
    expect(await gone(Number(readFileSync(pidFile, "utf8")))).toBe(true);
  });

  it("an abort kills the command's process group and rejects with InterruptedError (exit 130)", async () => {
    const { command, pidFile } = sleeper();
    const abort = new AbortController();
    const pending = run(command, abort.signal).catch((e: unknown) => e);
    const pid = await waitFor(pidFile);
    const started = Date.now();
    abort.abort();
    const err = await pending;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err).toBeInstanceOf(InterruptedError);
    expect(err).toMatchObject({ message: "interrupted: nothing was sent", exitCode: ExitCode.interrupted, code: "Interrupted" });
    expect(await gone(pid)).toBe(true);
  });

  it("an already aborted signal runs nothing", async () => {
    const marker = join(mkdtempSync(join(tmpdir(), "trtc-cred-")), "ran");
    await expect(run(`touch ${marker}`, AbortSignal.abort())).rejects.toBeInstanceOf(InterruptedError);
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(marker)).toBe(false);
  });

  it("endless output (yes) is cut off at 64 KiB with exit 3, and the command killed", async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), "trtc-cred-")), "pid");
    const started = Date.now();
    const err = await run(`sh -c 'echo $$ > ${pidFile}; exec yes'`, undefined, 20_000).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/failed: output too large \(over 64 KiB\)/);
    expect(await gone(Number(readFileSync(pidFile, "utf8")))).toBe(true);
  });

  it.each(["null", "[1]", "5", '"text"', "true", '{"secretId":1,"secretKey":"k"}', '{"secretId":"i"}'])(
    "output %s is a config error, not a crash",
    async (output) => {
      const err = await run(`echo '${output}'`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toBe('credentialCommand of profile "default" failed: it must print a JSON object with string secretId and secretKey');
    },
  );

  it("output that is not JSON is a config error that does not quote it", async () => {
    const err = await run("echo s3cr3t-value").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/its output is not JSON/);
    expect((err as Error).message).not.toContain("s3cr3t");
  });
});
