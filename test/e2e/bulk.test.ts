import { afterEach, describe, expect, it } from "vitest";
import type { FaultSpec } from "../../src/emulator/faults.js";
import type { Emulator } from "../../src/emulator/server.js";
import { roomIds, seededRooms } from "../helpers/bulk.js";
import { APP, emulator, emulatorEnv, run } from "../helpers/inproc.js";

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function withRooms(n: number, options: Parameters<typeof emulator>[0] = {}): Promise<Emulator> {
  emu = await emulator({ seed: seededRooms(n), ...options });
  return emu;
}

describe("bulk input", () => {
  it("a 100-user kick read from stdin is ten requests of ten", async () => {
    emu = await emulator({ seed: { apps: [{ sdkAppId: APP, rooms: { "77": ["stay", ...roomIds(100).map((i) => `user${i}`)] } }] } });
    const input = roomIds(100)
      .map((i) => `user${i}`)
      .join("\n");
    const r = await run(["kick", "77", "--from-file", "-", "--yes", "--json"], { env: emulatorEnv(emu), input });
    expect(r.code).toBe(0);
    expect(emu.requests.map((q) => (q.userIds as string[]).length)).toEqual(Array(10).fill(10));
    expect(emu.store.snapshot().apps[0]!.rooms!["77"]).toEqual(["stay"]);
  });
});

describe("retries", () => {
  it.each<[string, FaultSpec, string[]]>([
    ["InternalError", { kind: "error", code: "InternalError", times: 2 }, []],
    ["HTTP 503", { kind: "http", status: 503, times: 2 }, []],
    ["a connection reset", { kind: "reset", times: 2 }, []],
    ["a hang past --timeout", { kind: "hang", times: 1 }, ["--timeout", "0.5"]],
    ["a malformed body", { kind: "malformed", times: 1 }, []],
    ["RequestLimitExceeded", { kind: "error", code: "RequestLimitExceeded", times: 2 }, []],
  ])("%s is retried and then succeeds", async (_name, fault, extra) => {
    const e = await withRooms(3);
    e.faults.add({ ...fault, roomId: 2 });
    const r = await run(["dismiss", "1", "2", "3", "--yes", "--json", ...extra], { env: emulatorEnv(e) });
    expect(r.code).toBe(0);
    const results = JSON.parse(r.stdout).results;
    const room2 = results.find((x: any) => x.roomId === 2);
    expect(room2).toMatchObject({ status: "done", attempts: (fault.times ?? 1) + 1 });
    expect(room2.note).toBeUndefined();
    expect(results.filter((x: any) => x.roomId !== 2).every((x: any) => x.attempts === 1)).toBe(true);
    expect(e.store.snapshot().apps[0]!.rooms).toEqual({});
  });

  it("a permanent error fails after one attempt, exit 1", async () => {
    const e = await withRooms(2);
    e.faults.add({ kind: "error", code: "FailedOperation", roomId: 1 });
    const r = await run(["dismiss", "1", "2", "--yes", "--json"], { env: emulatorEnv(e) });
    expect(r.code).toBe(1);
    const room1 = JSON.parse(r.stdout).results.find((x: any) => x.roomId === 1);
    expect(room1).toMatchObject({ status: "failed", attempts: 1, error: { code: "FailedOperation" } });
    expect(e.requests.filter((q) => q.roomId === 1)).toHaveLength(1);
  });

  it("gives up after --max-attempts and reports the last error", async () => {
    const e = await withRooms(1);
    e.faults.add({ kind: "error", code: "InternalError", times: 0 });
    const r = await run(["dismiss", "1", "--yes", "--json", "--max-attempts", "4"], { env: emulatorEnv(e) });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).results[0]).toMatchObject({ status: "failed", attempts: 4, error: { code: "InternalError" } });
    expect(e.requests).toHaveLength(4);
  });

  it("--max-attempts 1 does not retry", async () => {
    const e = await withRooms(1);
    e.faults.add({ kind: "http", status: 502 });
    const r = await run(["dismiss", "1", "--yes", "--json", "--max-attempts", "1"], { env: emulatorEnv(e) });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).results[0]).toMatchObject({ status: "failed", attempts: 1, error: { code: "HttpError.502" } });
  });

  it("apply-then-lose-the-response counts as done, with RoomNotExist noted", async () => {
    const e = await withRooms(1);
    e.faults.add({ kind: "lose-response" });
    const r = await run(["dismiss", "1", "--yes", "--json"], { env: emulatorEnv(e) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results[0]).toMatchObject({ status: "done", attempts: 2, note: { code: "FailedOperation.RoomNotExist" } });
    expect(e.requests.map((q) => q.outcome)).toEqual(["lost", "error"]);
  });

  it("a kick whose response was lost is done on retry (the API reports no error for absent users)", async () => {
    emu = await emulator({ seed: { apps: [{ sdkAppId: APP, rooms: { "5": ["a", "b"] } }] } });
    emu.faults.add({ kind: "lose-response" });
    const r = await run(["kick", "5", "a", "--yes", "--json"], { env: emulatorEnv(emu) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results[0]).toMatchObject({ status: "done", attempts: 2 });
    expect(emu.store.events.filter((ev) => ev.event === "onExitRoom")).toHaveLength(1);
  });
});
