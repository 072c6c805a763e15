import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, expect } from "vitest";
import { BIN } from "../helpers/cli.js";

/** Real processes for the loop tests (the emulator, `events serve`), killed after each test. */
export interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** The first URL the process printed after `pattern`. */
  url: Promise<string>;
  exited: Promise<number | null>;
}

export const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  children.clear();
});

/** The built binary, long-running; its URL is read from `stream` after `pattern`. */
export function start(args: string[], env: NodeJS.ProcessEnv, stream: "stdout" | "stderr", pattern: RegExp): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  const text = { stdout: "", stderr: "" };
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    for (const name of ["stdout", "stderr"] as const) {
      child[name]!.setEncoding("utf8").on("data", (d: string) => {
        text[name] += d;
        const found = pattern.exec(text[stream])?.[1];
        if (found) resolve(found);
      });
    }
    void exited.then((code) => reject(new Error(`${args[0]} exited (${code}) before it listened: ${text.stderr}`)));
  });
  return { child, stdout: () => text.stdout, stderr: () => text.stderr, url, exited };
}

export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function emulatorControl(url: string, method: "GET" | "POST", path: string, body?: object): Promise<any> {
  const res = await fetch(`${url}/_emulator/${path}`, {
    method,
    ...(method === "POST" ? { headers: { "Content-Type": "application/json" }, body: JSON.stringify(body ?? {}) } : {}),
  });
  expect(res.ok, `${method} /_emulator/${path}: ${res.status}`).toBe(true);
  return res.json();
}
