import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.js";
import { APP, BIN, emulator, emulatorEnv } from "../helpers/cli.js";
// In-process where no real process is needed; signals and the closed terminal are spawned below.
import { run } from "../helpers/inproc.js";

let emu: Emulator | undefined;
let server: Server | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  await emu?.close();
  emu = undefined;
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

const ESC = "\u001b";
const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);
const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

async function withRooms(n: number, options: Parameters<typeof emulator>[0] = {}): Promise<Emulator> {
  emu = await emulator({ seed: { apps: [{ sdkAppId: APP, rooms: Object.fromEntries(ids(n).map((r) => [String(r), [`u${r}`]])) }] }, ...options });
  return emu;
}

function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = () => (check() ? resolve() : Date.now() > deadline ? reject(new Error(`timed out waiting for ${what}`)) : setTimeout(poll, 10));
    poll();
  });
}

/** Spawns the binary with stdin left open, for input that never ends. */
function spawnOpen(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [BIN, ...args], { env, cwd: tempDir("trtc-cwd-"), stdio: ["pipe", "pipe", "pipe"] });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdin!.on("error", () => {});
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exited };
}

describe("interrupts before anything is sent", () => {
  it.each(["SIGTERM", "SIGINT", "SIGHUP"] as const)(
    "%s while standard input is still being read: exit 130, nothing sent, no temporary file left",
    async (signal) => {
      const e = await withRooms(1);
      const tmp = tempDir("trtc-tmp-");
      const { child, exited } = spawnOpen(["dismiss", "--from-file", "-", "--yes"], emulatorEnv(e, { TMPDIR: tmp }));
      const line = Buffer.from("1234\n".repeat(10_000));
      // Bounded, so a regression that ignores the signal times out instead of filling the disk.
      let left = 2000;
      const feed = () => left-- > 0 && child.stdin!.writable && child.stdin!.write(line, () => setImmediate(feed));
      feed();
      await until(() => readdirSync(tmp).length > 0, "the spool file");
      child.kill(signal);
      const r = await exited;
      expect(r.code).toBe(130);
      expect(e.requests).toHaveLength(0);
      expect(readdirSync(tmp)).toEqual([]);
    },
  );

  it("SIGTERM while --from-file waits for a FIFO's writer: exit 130 at once, nothing sent, no copy left", async () => {
    const e = await withRooms(1);
    const tmp = tempDir("trtc-tmp-");
    const fifo = join(tempDir("trtc-fifo-"), "rooms");
    execFileSync("mkfifo", [fifo]);
    const { child, exited } = spawnOpen(["dismiss", "--from-file", fifo, "--yes"], emulatorEnv(e, { TMPDIR: tmp }));
    // The copy's directory is made just before the FIFO is opened.
    await until(() => readdirSync(tmp).length > 0, "the spool directory");
    const started = Date.now();
    child.kill("SIGTERM");
    const r = await exited;
    expect(r.code).toBe(130);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(readdirSync(tmp)).toEqual([]);
    expect(e.requests).toHaveLength(0);
  });

  it("SIGTERM while credentialCommand runs: exit 130 at once, nothing sent", async () => {
    const e = await withRooms(1);
    const dir = tempDir("trtc-cfg-");
    // The command marks that it has started, so SIGTERM is sent while it runs, however slowly the CLI starts.
    const marker = join(dir, "started");
    const command = `touch '${marker}'; sleep 20; echo {}`;
    writeFileSync(join(dir, ".trtcrc"), `sdkAppId: ${APP}\nendpoint: ${e.url}\ncredentialCommand: ${JSON.stringify(command)}\n`);
    const child = spawn(process.execPath, [BIN, "dismiss", "1", "--yes"], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: "1" },
      stdio: "pipe",
    });
    children.push(child);
    const closed = new Promise((resolve) => child.on("close", resolve));
    await until(() => existsSync(marker) || child.exitCode !== null, "the credentialCommand to start");
    const started = Date.now();
    child.kill("SIGTERM");
    const code = await closed;
    expect(code).toBe(130);
    // At once: not after the command's 20 s.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(e.requests).toHaveLength(0);
  });
});

describe("hostile input", () => {
  it("a flood of NUL bytes on stdin is a usage error, quickly, with no temporary file left", async () => {
    const tmp = tempDir("trtc-tmp-");
    const r = await run(["dismiss", "--from-file", "-", "--yes", "--sdk-app-id", String(APP)], {
      input: "\0".repeat(300_000),
      env: emulatorEnv(await withRooms(1), { TMPDIR: tmp }),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stdin:1: line is over 65536 bytes/);
    expect(readdirSync(tmp)).toEqual([]);
    expect(emu!.requests).toHaveLength(0);
  });

  it("--from-file /dev/zero is a usage error, not a crash", async () => {
    const r = await run(["dismiss", "--from-file", "/dev/zero", "--yes", "--sdk-app-id", String(APP)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\/dev\/zero:1: line is over/);
  });

  it.each([
    [["--region", "xx-nowhere"], /unsupported region "xx-nowhere"/],
    [["--sdk-app-id", "abc"], /invalid SdkAppId "abc" from --sdk-app-id/],
    [["--endpoint", "http://example.com"], /refusing plain http:\/\/ endpoint/],
  ])("%j is a usage error (2) even beside a config that cannot be parsed (3)", async (flags, message) => {
    const dir = tempDir("trtc-broken-");
    writeFileSync(join(dir, ".trtcrc"), "profiles: [unclosed\n");
    const r = await run(["dismiss", "1", "--yes", ...flags], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir } });
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
  });

  it("a TMPDIR that cannot hold the input's copy is a configuration error (exit 3), not a crash", async () => {
    const rooms = join(tempDir("trtc-in-"), "rooms.txt");
    writeFileSync(rooms, "1\n");
    const r = await run(["dismiss", "--from-file", rooms, "--dry-run", "--sdk-app-id", String(APP)], {
      env: { PATH: process.env.PATH, TMPDIR: "/nonexistent/tmp" },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot keep a copy of the input in \/nonexistent\/tmp: ENOENT/);
    expect(r.stderr).not.toMatch(/this is a bug/);
  });

  it("--from-file naming a directory is a usage error", async () => {
    const r = await run(["dismiss", "--from-file", tempDir("trtc-dir-"), "--yes", "--sdk-app-id", String(APP)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/it is a directory/);
  });

  it("a --from-file edited during the run does not change what is sent", async () => {
    const e = await withRooms(1, { latencyMs: 20 });
    const file = join(tempDir("trtc-in-"), "rooms.txt");
    writeFileSync(file, `${ids(3000).join("\n")}\n`);
    const { child, exited } = spawnOpen(["dismiss", "--from-file", file, "--yes", "--ignore-missing", "--rate", "0", "--output", "ndjson"], emulatorEnv(e));
    child.stdin!.end();
    await until(() => e.requests.length > 0, "the first request");
    writeFileSync(
      file,
      `${ids(3000)
        .map((i) => `replaced-${i}`)
        .join("\n")}\n`,
    );
    await until(() => e.requests.length > 100, "100 requests");
    child.kill("SIGINT");
    const r = await exited;
    expect(r.code).toBe(130);
    expect(e.requests.every((q) => typeof q.roomId === "number")).toBe(true);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.at(-1).summary.total).toBe(3000);
  });

  it.each([
    [["dismiss", " 1234 ", "--yes"], /argument 1: " 1234 " has leading or trailing whitespace/],
    [["kick", "1234 ", "alice", "--yes"], /room argument: "1234 " has leading or trailing whitespace/],
    [["kick", "1234", "al ice", "--yes"], /argument 1: invalid user id "al ice"/],
    [["dismiss", "--yes"], /no rooms given/],
    [["dismiss", "1", "--json", "-o", "pretty"], /option '--json' cannot be used with option '-o, --output <format>'/],
    [["dismiss", "1", "--yes", "--timeout", "2200000"], /'--timeout <seconds>' argument '2200000' is invalid/],
    [["dismiss", "1", "--yes", "--concurrency", "0x10"], /'--concurrency <n>' argument '0x10' is invalid/],
    [["dismiss", "1", "--yes", "--max-attempts", "1e3"], /'--max-attempts <n>' argument '1e3' is invalid/],
  ])("usage errors come first, even with no config: %j", async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(`${r.stderr}${r.stdout}`).toMatch(message);
  });

  it("control characters in a bad id are escaped, and --no-color holds for errors", async () => {
    const r = await run(["dismiss", `a${ESC}[2Jb`, "--yes", "--no-color"], { env: { PATH: process.env.PATH, HOME: tempDir("trtc-home-"), FORCE_COLOR: "1" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("a\\x1B[2Jb");
    expect(r.stderr).not.toContain(ESC);
  });

  it("control characters in a server's error message never reach the terminal raw", async () => {
    const e = await withRooms(1);
    e.faults.add({ kind: "error", code: "FailedOperation", message: `boom${ESC}]0;owned\u0007\u009b2J` });
    const pretty = await run(["dismiss", "1", "--yes"], { env: emulatorEnv(e) });
    expect(pretty.code).toBe(1);
    expect(pretty.stdout).toContain("boom\\x1B]0;owned\\x07\\x9B2J");
    e.faults.add({ kind: "error", code: "FailedOperation", message: `boom\u009b2J` });
    const json = await run(["dismiss", "1", "--yes", "--json"], { env: emulatorEnv(e) });
    expect(json.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(JSON.parse(json.stdout).results[0].error.message).toBe("boom\u009b2J");
  });
});

describe("responses that are not TRTC answers", () => {
  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it.each([
    ["a 2 MiB body", (res: import("node:http").ServerResponse) => res.end("x".repeat(2 << 20))],
    [
      "an endless body",
      (res: import("node:http").ServerResponse) => {
        const chunk = "x".repeat(64 * 1024);
        const more = () => res.write(chunk) && !res.destroyed && setImmediate(more);
        res.on("drain", more);
        more();
      },
    ],
  ])("%s is a malformed response, retried, then failed", async (_name, body) => {
    const url = await serve((req, res) => {
      req.resume();
      res.writeHead(200, { "Content-Type": "application/json" });
      body(res);
    });
    const r = await run(["dismiss", "1", "--yes", "--json", "--max-attempts", "2"], { env: { ...emulatorEnv(await withRooms(1)), TRTC_ENDPOINT: url } });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).results[0]).toMatchObject({
      status: "failed",
      attempts: 2,
      error: { code: "MalformedResponse", message: "response body is over 1048576 bytes" },
    });
  });

  it("a malformed HTTPS_PROXY is a configuration error that does not echo its password", async () => {
    const r = await run(["dismiss", "1", "--yes", "--sdk-app-id", String(APP)], {
      env: {
        PATH: process.env.PATH,
        HOME: tempDir("trtc-home-"),
        NO_COLOR: "1",
        TENCENTCLOUD_SECRET_ID: "id",
        TENCENTCLOUD_SECRET_KEY: "key",
        HTTPS_PROXY: "http://user:hunter2@[::1",
      },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/HTTPS_PROXY: not a valid URL/);
    expect(r.stderr).not.toContain("hunter2");
  });
});

describe("the audit log fails closed", () => {
  function projectWithAudit(e: Emulator, auditLog: string): string {
    const dir = tempDir("trtc-audit-");
    writeFileSync(join(dir, ".trtcrc"), `sdkAppId: ${APP}\nendpoint: ${e.url}\nauditLog: ${JSON.stringify(auditLog)}\n`);
    return dir;
  }

  const fifoAt = (dir: string) => {
    execFileSync("mkfifo", [join(dir, "audit.fifo")]);
    return join(dir, "audit.fifo");
  };

  const blocked = () => {
    const dir = tempDir("trtc-block-");
    writeFileSync(join(dir, "file"), "");
    return dir;
  };

  it.each([
    ["a directory", () => tempDir("trtc-logdir-"), /cannot open the audit log .*: EISDIR/],
    ["/dev/full", () => "/dev/full", /it is not a regular file/],
    ["a missing parent", () => join(tempDir("trtc-log-"), "missing/audit.jsonl"), /ENOENT/],
    ["a path below a regular file", () => join(blocked(), "file/audit.jsonl"), /ENOTDIR/],
    ["a FIFO nobody reads (it would block the run)", () => fifoAt(tempDir("trtc-log-")), /it is not a regular file/],
  ])("auditLog at %s: exit 3 before anything is sent", async (_name, path, message) => {
    const e = await withRooms(1);
    const dir = projectWithAudit(e, path());
    const r = await run(["dismiss", "1", "--yes"], { cwd: dir, env: emulatorEnv(e, { TRTC_ENDPOINT: undefined, TRTC_SDK_APP_ID: undefined }) });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(message);
    expect(e.requests).toHaveLength(0);
  });

  it("never follows a symbolic link, and keeps the log private", async () => {
    const e = await withRooms(2);
    const logs = tempDir("trtc-logs-");
    writeFileSync(join(logs, "target"), "precious\n");
    symlinkSync(join(logs, "target"), join(logs, "link.jsonl"));
    const linked = await run(["dismiss", "1", "--yes"], { cwd: projectWithAudit(e, join(logs, "link.jsonl")), env: emulatorEnv(e) });
    expect(linked.code).toBe(3);
    expect(linked.stderr).toMatch(/it is a symbolic link/);
    expect(readFileSync(join(logs, "target"), "utf8")).toBe("precious\n");

    writeFileSync(join(logs, "open.jsonl"), "");
    chmodSync(join(logs, "open.jsonl"), 0o644);
    const widened = await run(["dismiss", "1", "--yes"], { cwd: projectWithAudit(e, join(logs, "open.jsonl")), env: emulatorEnv(e) });
    expect(widened.code).toBe(0);
    expect(statSync(join(logs, "open.jsonl")).mode & 0o777).toBe(0o600);
    const created = await run(["dismiss", "2", "--yes"], { cwd: projectWithAudit(e, join(logs, "new.jsonl")), env: emulatorEnv(e) });
    expect(created.code).toBe(0);
    expect(lstatSync(join(logs, "new.jsonl")).mode & 0o777).toBe(0o600);
  });

  const mountable = (() => {
    if (process.getuid?.() !== 0) return false;
    const probe = tempDir("trtc-mnt-");
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", probe], { stdio: "ignore" });
      execFileSync("umount", [probe], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!mountable)("a write that fails mid-run stops new requests and exits 1 (needs root to mount a 16 KiB tmpfs)", async () => {
    const mnt = tempDir("trtc-full-");
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", mnt]);
    try {
      const e = await withRooms(400, { rateLimit: 0 });
      const file = join(tempDir("trtc-in-"), "rooms.txt");
      writeFileSync(file, `${ids(400).join("\n")}\n`);
      const r = await run(["dismiss", "--from-file", file, "--yes", "--output", "ndjson", "--rate", "0", "--concurrency", "2"], {
        cwd: projectWithAudit(e, join(mnt, "audit.jsonl")),
        env: emulatorEnv(e, { TRTC_ENDPOINT: undefined, TRTC_SDK_APP_ID: undefined }),
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/could not write the audit log .*ENOSPC/);
      const summary = JSON.parse(r.stdout.trim().split("\n").at(-1)!).summary;
      expect(summary.notStarted).toBeGreaterThan(0);
      expect(e.requests.length).toBe(summary.done + summary.failed);
      expect(e.requests.length).toBeLessThan(400);
    } finally {
      execFileSync("umount", [mnt]);
    }
  });
});

describe("SIGHUP while sending", () => {
  it("a closed terminal reports what finished: exit 130, results printed and audited", async () => {
    const e = await withRooms(100, { latencyMs: 40 });
    const logs = tempDir("trtc-logs-");
    const dir = tempDir("trtc-proj-");
    writeFileSync(join(dir, ".trtcrc"), `sdkAppId: ${APP}\nendpoint: ${e.url}\nauditLog: ${join(logs, "audit.jsonl")}\n`);
    const file = join(dir, "rooms.txt");
    writeFileSync(file, `${ids(100).join("\n")}\n`);
    const child = spawn(process.execPath, [BIN, "dismiss", "--from-file", file, "--yes", "--json", "--rate", "20"], {
      cwd: dir,
      env: emulatorEnv(e, { TRTC_ENDPOINT: undefined, TRTC_SDK_APP_ID: undefined }),
      stdio: "pipe",
    });
    children.push(child);
    let stdout = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    await until(() => e.requests.length >= 10, "10 requests");
    child.kill("SIGHUP");
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(130);
    const out = JSON.parse(stdout);
    expect(out.summary.total).toBe(100);
    expect(out.summary.done).toBeGreaterThanOrEqual(10);
    expect(out.summary.done + out.summary.failed).toBe(e.requests.length);
    const audited = readFileSync(join(logs, "audit.jsonl"), "utf8").trim().split("\n");
    expect(audited).toHaveLength(e.requests.length);
  });
});
