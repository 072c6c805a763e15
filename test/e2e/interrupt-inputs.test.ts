// Spawned on purpose: an interrupt that a thread blocked in the thread pool would hold needs a real process.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, constants, existsSync, mkdtempSync, open, readdirSync, statSync, writeFileSync, writeSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.js";
import { APP, BIN, emulator, emulatorEnv, seedApp } from "../helpers/cli.js";

const SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP"] as const;
const children: ChildProcess[] = [];
const writers: number[] = [];
let emu: Emulator | undefined;
let silent: Server | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.kill("SIGKILL");
    // A writer kept alive by reading the test's pipe (a cat under bash) ends with it.
    child.stdin?.destroy();
  }
  for (const fd of writers.splice(0)) closeSync(fd);
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise((resolve) => (silent ? silent.close(resolve) : resolve(undefined)));
  silent = undefined;
  await emu?.close();
  emu = undefined;
});

const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = () => (check() ? resolve() : Date.now() > deadline ? reject(new Error(`timed out waiting for ${what}`)) : setTimeout(poll, 10));
    poll();
  });
}

function start(args: string[], env: NodeJS.ProcessEnv, cwd = tempDir("trtc-cwd-")) {
  const child = spawn(process.execPath, [BIN, ...args], { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exited, stderr: () => stderr };
}

/** A FIFO, and its write end once the child has opened it for reading: kept open (never closed by the test) until the test ends. */
function fifo(): { path: string; writer: Promise<number> } {
  const path = join(tempDir("trtc-fifo-"), "input");
  execFileSync("mkfifo", [path]);
  const writer = new Promise<number>((resolve, reject) =>
    open(path, constants.O_WRONLY, (err, fd) => {
      if (err) return reject(err);
      writers.push(fd);
      resolve(fd);
    }),
  );
  return { path, writer };
}

/** Sends `signal` and measures how long the child takes to exit. */
async function interrupt(child: ChildProcess, exited: Promise<{ code: number | null }>, signal: NodeJS.Signals) {
  const started = Date.now();
  child.kill(signal);
  const r = await exited;
  return { code: r.code, ms: Date.now() - started };
}

describe("an interrupt while a pipe or FIFO given by path is read, its writer still open", () => {
  it.each(SIGNALS)("dismiss --from-file: %s exits 130 within a second, nothing sent, no copy left", async (signal) => {
    emu = await emulator({ seed: seedApp({ "1234": ["alice"] }) });
    const tmp = tempDir("trtc-tmp-");
    const input = fifo();
    const { child, exited } = start(["dismiss", "--from-file", input.path, "--yes"], emulatorEnv(emu, { TMPDIR: tmp }));
    writeSync(await input.writer, "1234\n");
    // Read and copied: the next read waits for the writer.
    await until(() => readdirSync(tmp).some((d) => existsSync(join(tmp, d, "input")) && statSync(join(tmp, d, "input")).size === 5), "the copy of the line");
    const r = await interrupt(child, exited, signal);
    expect(r.code).toBe(130);
    expect(r.ms).toBeLessThan(1000);
    expect(emu.requests).toHaveLength(0);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("dismiss --from-file <(cmd), the issue's own repro: SIGINT exits 130 within a second", async () => {
    emu = await emulator({ seed: seedApp({ "1234": ["alice"] }) });
    const tmp = tempDir("trtc-tmp-");
    // bash's process substitution, its writer kept open by a cat on the test's pipe; exec, so the signal reaches trtc-admin itself.
    const script = `exec "$0" "$1" dismiss --from-file <(echo 1234; cat) --yes`;
    const child = spawn("bash", ["-c", script, process.execPath, BIN], { env: emulatorEnv(emu, { TMPDIR: tmp }), stdio: ["pipe", "ignore", "ignore"] });
    children.push(child);
    const exited = new Promise<{ code: number | null }>((resolve) => child.on("close", (code) => resolve({ code })));
    await until(() => readdirSync(tmp).some((d) => existsSync(join(tmp, d, "input")) && statSync(join(tmp, d, "input")).size === 5), "the copy of the line");
    const r = await interrupt(child, exited, "SIGINT");
    child.stdin!.end();
    expect(r.code).toBe(130);
    expect(r.ms).toBeLessThan(1000);
    expect(emu.requests).toHaveLength(0);
  });

  it.each([...SIGNALS, "a second SIGINT"])("events ingest --from-file: %s exits 130 within a second", async (signal) => {
    const input = fifo();
    const inventory = `file:${join(tempDir("trtc-inv-"), "inventory.db")}`;
    const env = {
      PATH: process.env.PATH,
      HOME: tempDir("trtc-home-"),
      NO_COLOR: "1",
      TRTC_SDK_APP_ID: String(APP),
      TRTC_CALLBACK_KEY: "k",
      TRTC_INVENTORY: inventory,
    };
    const { child, exited, stderr } = start(["events", "ingest", "--from-file", input.path], env);
    writeSync(await input.writer, "not a callback\n");
    await until(() => /line 1/.test(stderr()), "the bad line to be reported");
    const second = signal === "a second SIGINT";
    if (second) child.kill("SIGINT");
    const r = await interrupt(child, exited, second ? "SIGINT" : (signal as NodeJS.Signals));
    expect(r.code).toBe(130);
    expect(r.ms).toBeLessThan(1000);
  });
});

describe("an interrupt while the configuration or the inventory is being opened", () => {
  it.each(SIGNALS)("a JavaScript config whose top-level await never settles: %s exits 130 within a second, nothing sent", async (signal) => {
    emu = await emulator({ seed: seedApp({ "1234": ["alice"] }) });
    const dir = tempDir("trtc-cfg-");
    const marker = join(dir, "loading");
    writeFileSync(
      join(dir, "c.mjs"),
      `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(marker)}, "");\nawait new Promise((r) => setTimeout(r, 60_000));\nexport default { sdkAppId: ${APP} };\n`,
    );
    const { child, exited } = start(["kick", "1234", "alice", "--yes", "--config", join(dir, "c.mjs")], emulatorEnv(emu), dir);
    await until(() => existsSync(marker), "the config to start loading");
    const r = await interrupt(child, exited, signal);
    expect(r.code).toBe(130);
    expect(r.ms).toBeLessThan(1000);
    expect(emu.requests).toHaveLength(0);
  });

  it.each([
    ["rooms", "list"],
    ["dismiss", "--live", "--yes"],
    ["events", "ingest"],
  ])("a PostgreSQL that accepts and never answers: SIGINT during %s %s exits 130 within a second", async (...command) => {
    let connected = false;
    silent = createServer((socket) => {
      connected = true;
      sockets.push(socket);
    });
    await new Promise<void>((resolve) => silent!.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    const env = { PATH: process.env.PATH, HOME: tempDir("trtc-home-"), NO_COLOR: "1", TRTC_SDK_APP_ID: String(APP), TRTC_CALLBACK_KEY: "k" };
    const { child, exited } = start([...command, "--inventory", `postgres://u:p@127.0.0.1:${port}/x`], env);
    await until(() => connected, "the connection");
    const r = await interrupt(child, exited, "SIGINT");
    expect(r.code).toBe(130);
    expect(r.ms).toBeLessThan(1000);
  });
});
