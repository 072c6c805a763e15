import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.js";
import { APP, emulator, emulatorEnv } from "../helpers/cli.js";
import { firstShown, onTerminal } from "../helpers/terminal.js";

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const rooms = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [String(i + 1), [`u${i + 1}`]]));

describe("on a terminal", () => {
  it("asks before dismissing; No sends nothing and exits 2", async () => {
    emu = await emulator({ seed: { apps: [{ sdkAppId: APP, rooms: rooms(1) }] } });
    const { code, screen } = await onTerminal(["dismiss", "1"], emulatorEnv(emu), "n\r", /\[y\/N\]/);
    expect(screen).toMatch(/About to send 1 request to SdkAppId 1400000001 in ap-guangzhou/);
    expect(screen).toMatch(/DismissRoom room 1\r?\n/);
    expect(screen).toMatch(/Dismiss this room\? \[y\/N\]/);
    expect(screen).toContain("cancelled: nothing was sent");
    expect(code).toBe(2);
    expect(emu.requests).toHaveLength(0);
  });

  it.each([["SIGTERM"], ["SIGHUP"]] as const)("%s at the prompt: exit 130 at once, nothing sent", async (signal) => {
    emu = await emulator({ seed: { apps: [{ sdkAppId: APP, rooms: rooms(1) }] } });
    const started = Date.now();
    const { code, screen } = await onTerminal(["dismiss", "1"], emulatorEnv(emu), "", 15_000, 100, { pattern: /\[y\/N\]/, signal });
    expect(screen).toMatch(/Dismiss this room\? \[y\/N\]/);
    expect(code).toBe(130);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(emu.requests).toHaveLength(0);
  });

  it("yes sends it", async () => {
    emu = await emulator({ seed: { apps: [{ sdkAppId: APP, rooms: rooms(1) }] } });
    const { code } = await onTerminal(["dismiss", "1"], emulatorEnv(emu), "y\r", /\[y\/N\]/);
    expect(code).toBe(0);
    expect(emu.requests).toMatchObject([{ action: "DismissRoom", roomId: 1 }]);
  });

  it("a terminal that reports no width gets no spinner, and the run still finishes", async () => {
    emu = await emulator({ seed: { apps: [{ sdkAppId: APP, rooms: rooms(3) }] } });
    const { code, screen } = await onTerminal(["dismiss", "1", "2", "3", "--yes"], emulatorEnv(emu), "", 0, 0);
    expect(code).toBe(0);
    expect(screen).toMatch(/3 requests: 3 done/);
    expect(screen.length).toBeLessThan(5_000);
  });

  it("under CI=true there is no spinner, not even ora's fallback line", async () => {
    emu = await emulator({ seed: { apps: [{ sdkAppId: APP, rooms: rooms(2) }] } });
    const { code, screen } = await onTerminal(["dismiss", "1", "2", "--yes"], { ...emulatorEnv(emu), CI: "true" }, "", 0);
    expect(code).toBe(0);
    expect(screen).not.toMatch(/0\/2/);
    expect(screen).toMatch(/2 requests: 2 done/);
  });

  it("a one-request run shows no spinner before it is due, so a run over in less shows none", async () => {
    // The emulator answers at once (no latency, no rate limit), so the run is over in well under the
    // 400 ms after which the spinner is due (SHOW_AFTER_MS in src/output/progress.ts) on any ordinary machine.
    emu = await emulator({ seed: { apps: [{ sdkAppId: APP, rooms: rooms(1) }] }, rateLimit: 0 });
    const run = await onTerminal(["dismiss", "1", "--yes"], emulatorEnv(emu), "", 0);
    expect(run.code).toBe(0);
    expect(run.screen).toMatch(/DismissRoom room 1 done/);
    // Measured against the spawn, which comes before the run starts: no frame, nor the "0/1" it starts
    // with, can reach the screen within 400 ms of it (less a millisecond for timer rounding), however
    // loaded the machine. A run that ends in that time shows none at all; a regression that shows the
    // spinner at once (or on stopping) is caught whenever the CLI gets to its request in under 400 ms,
    // as it does unloaded (about 100 ms from spawn to exit). Only a machine too slow for that lets a
    // spinner legitimately appear, and then only after its time.
    const shown = firstShown(run, /0\/1|[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    if (shown !== undefined) expect(shown, "the spinner appeared this many ms after the spawn").toBeGreaterThanOrEqual(399);
  });

  it("shows progress, and Ctrl-C stops the run with exit 130", async () => {
    emu = await emulator({ seed: { apps: [{ sdkAppId: APP, rooms: rooms(40) }] } });
    const ids = Array.from({ length: 40 }, (_, i) => String(i + 1));
    // Ctrl-C once the progress line is up (not at a fixed time, which a slow start could reach first).
    const progress = /\d+\/40 · \d+ done · 0 failed · [\d.]+ req\/s/;
    const { code, screen } = await onTerminal(["dismiss", ...ids, "--yes", "--rate", "10", "--concurrency", "2"], emulatorEnv(emu), "\x03", progress);
    expect(screen).toMatch(progress);
    expect(screen).toMatch(/40 requests: \d+ done, \d+ not started/);
    expect(code).toBe(130);
    expect(emu.requests.length).toBeLessThan(40);
  });
});
