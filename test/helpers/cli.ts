import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY, type Emulator, type EmulatorOptions, startEmulator } from "../../src/emulator/server.js";

export const BIN = resolve(import.meta.dirname, "../../bin/trtc-admin.cjs");
export const APP = 1400000001;

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
  /** Called once the child is running, e.g. to send it a signal. */
  onSpawn?: (child: import("node:child_process").ChildProcess) => void;
}

/** A clean environment: no ambient credentials, config or colour settings from the developer's shell. */
export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), "trtc-home-"));
  // TMPDIR too, so a child's temporary files land in the run's temporary root (test/helpers/build.ts).
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), TMPDIR: process.env.TMPDIR, NO_COLOR: "1" };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export function emulatorEnv(emulator: Emulator, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return baseEnv({
    TRTC_ENDPOINT: emulator.url,
    TENCENTCLOUD_SECRET_ID: DEFAULT_SECRET_ID,
    TENCENTCLOUD_SECRET_KEY: DEFAULT_SECRET_KEY,
    TRTC_SDK_APP_ID: String(APP),
    ...extra,
  });
}

export function run(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: options.env ?? baseEnv(),
      cwd: options.cwd ?? mkdtempSync(join(tmpdir(), "trtc-cwd-")),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
    // A child that refuses its input early closes the pipe; that is its answer, not a test failure.
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
    options.onSpawn?.(child);
  });
}

export async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ port: 0, ...options });
}

export function seedApp(rooms: Record<string, string[]> = {}, strRooms: Record<string, string[]> = {}): EmulatorOptions["seed"] {
  return { apps: [{ sdkAppId: APP, rooms, strRooms }] };
}

/** The API requests the emulator received (control API traffic excluded). */
export function apiRequests(emu: Emulator) {
  return emu.requests.map((r) => ({ action: r.action, roomId: r.roomId, userIds: r.userIds, code: r.code }));
}
