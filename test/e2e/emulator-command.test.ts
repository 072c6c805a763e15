import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { Receiver, until } from "../emulator/callback-receiver.js";
import { BIN, baseEnv, run } from "../helpers/cli.js";

describe("trtc-admin emulator", () => {
  it("prints its URL and export lines, then each client event as it happens", async () => {
    const seed = join(mkdtempSync(join(tmpdir(), "trtc-seed-")), "seed.yaml");
    writeFileSync(seed, 'apps:\n  - sdkAppId: 1400000007\n    rooms: { "42": [ann, ben] }\n');
    const child = spawn(process.execPath, [BIN, "emulator", "--port", "0", "--seed", seed, "--secret-id", "AKIDcustom", "--secret-key", "customKey"], {
      env: baseEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    const reader = createInterface({ input: child.stdout! });
    const waitFor = (re: RegExp) =>
      new Promise<string>((resolve) => {
        const check = (line: string) => re.test(line) && resolve(line);
        lines.forEach(check);
        reader.on("line", (line) => {
          lines.push(line);
          check(line);
        });
      });
    try {
      const url = /listening on (\S+)/.exec(await waitFor(/listening on/))![1]!;
      await waitFor(/Client events/);
      const banner = lines.join("\n");
      for (const line of [
        `export TRTC_ENDPOINT=${url}`,
        "export TENCENTCLOUD_SECRET_ID=AKIDcustom",
        "export TENCENTCLOUD_SECRET_KEY=customKey",
        "export TRTC_SDK_APP_ID=1400000007",
      ]) {
        expect(banner).toContain(line);
      }
      const env = baseEnv({ TRTC_ENDPOINT: url, TENCENTCLOUD_SECRET_ID: "AKIDcustom", TENCENTCLOUD_SECRET_KEY: "customKey", TRTC_SDK_APP_ID: "1400000007" });
      expect((await run(["kick", "42", "ann", "--yes"], { env })).code).toBe(0);
      expect(await waitFor(/ann: onExitRoom\(1\)/)).toMatch(/app 1400000007 room 42 ann: onExitRoom\(1\) kicked out by the server/);
      expect(await waitFor(/ben: onRemoteUserLeaveRoom/)).toMatch(/ben: onRemoteUserLeaveRoom\(ann, 2\)/);
    } finally {
      child.kill("SIGINT");
    }
    expect(await new Promise((resolve) => child.on("exit", resolve))).toBe(0);
  });

  it("takes its test credentials from the environment and reads JSON seeds", async () => {
    const seed = join(mkdtempSync(join(tmpdir(), "trtc-seed-")), "seed.json");
    writeFileSync(seed, JSON.stringify({ apps: [{ sdkAppId: 1400000008, strRooms: { lobby: ["x"] } }] }));
    const env = baseEnv({ TRTC_EMULATOR_SECRET_ID: "AKIDfromEnv", TRTC_EMULATOR_SECRET_KEY: "keyFromEnv" });
    const child = spawn(process.execPath, [BIN, "emulator", "--port", "0", "--seed", seed], { env, stdio: ["ignore", "pipe", "pipe"] });
    let banner = "";
    await new Promise<void>((resolve) => child.stdout!.on("data", (d: Buffer) => ((banner += d.toString()), /Client events/.test(banner) && resolve())));
    child.kill("SIGINT");
    expect(banner).toContain("export TENCENTCLOUD_SECRET_ID=AKIDfromEnv");
    expect(banner).toContain("export TENCENTCLOUD_SECRET_KEY=keyFromEnv");
    expect(banner).toContain("export TRTC_SDK_APP_ID=1400000008");
  });

  it("refuses a non-loopback --host", async () => {
    const r = await run(["emulator", "--host", "0.0.0.0", "--port", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/loopback/);
  });

  it("refuses a bad seed file, naming the entry", async () => {
    const seed = join(mkdtempSync(join(tmpdir(), "trtc-seed-")), "seed.yaml");
    writeFileSync(seed, 'apps:\n  - sdkAppId: 1\n    rooms: { "1": ["bad user"] }\n');
    const r = await run(["emulator", "--port", "0", "--seed", seed]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/apps\[0\]\.rooms\.1: invalid user id "bad user"/);
  });
});

describe("trtc-admin emulator --callback-url", () => {
  it("sends signed room callbacks for simulated clients, prints their client events, and never prints the key", async () => {
    const receiver = await new Receiver("s3cretCallbackKey").start();
    const env = baseEnv({ TRTC_EMULATOR_CALLBACK_KEY: "s3cretCallbackKey" });
    const child = spawn(process.execPath, [BIN, "emulator", "--port", "0", "--callback-url", receiver.url], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    try {
      await until(() => /Client events/.test(out));
      expect(out).toContain(`room callbacks: signed, to ${receiver.url}`);
      const url = /listening on (\S+)/.exec(out)![1]!;
      const enter = { sdkAppId: 1400000001, roomId: "lobby", userId: "ann", action: "enter" };
      const res = await fetch(`${url}/_emulator/clients`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(enter) });
      expect(res.status).toBe(200);
      await until(() => receiver.received.length === 2);
      expect(receiver.events()).toEqual(["101:ann", "103:ann"]);
      expect(receiver.received.every((r) => r.signed && r.body.EventInfo.RoomId === "lobby")).toBe(true);
      await until(() => /room "lobby" ann: onEnterRoom/.test(out));
    } finally {
      child.kill("SIGINT");
      await receiver.close();
    }
    expect(await new Promise((resolve) => child.on("exit", resolve))).toBe(0);
    expect(out).not.toContain("s3cretCallbackKey");
  });

  it.each([
    [["--callback-url", "http://127.0.0.1:1/"], /callbacks need both a callback URL and a callback key/],
    [["--callback-key", "abc"], /callbacks need both/],
    [["--callback-url", "http://127.0.0.1:1/", "--callback-key", "not a valid key!"], /callback key must be 1\.\.32 letters and digits/],
    [["--callback-url", "ftp://127.0.0.1/", "--callback-key", "abc"], /must be http:\/\/ or https:\/\//],
    [["--callback-url", "http://user:pw@127.0.0.1/", "--callback-key", "abc"], /must not carry user:password@/],
    [["--unavailable-actions", "SetUserBlocked,SetUserBlock"], /unavailableActions must be a list of distinct action names/],
  ])("refuses %j (exit 2) without echoing a key or password", async (args, message) => {
    const r = await run(["emulator", "--port", "0", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/not a valid key!|pw@/);
  });
});
