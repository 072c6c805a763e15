import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_SECRET_KEY, type Emulator } from "../../src/emulator/server.js";
import { openStore } from "../../src/store/open.js";
import { control } from "../emulator/control-client.js";
import { APP, emulator, emulatorEnv, run, seedApp } from "../helpers/inproc.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { callbackBody, KEY, notePostgresSkipped, post, STORES, signedHeaders } from "../inventory/helpers.js";
import { until } from "./relay.js";
import { serve } from "./serve.js";

let emu: Emulator;
let clock: ManualClock;
let inventory: string;
let cleanup: () => Promise<void>;
const removes = () => emu.requests.filter((q) => q.action === "RemoveUser").map((q) => q.userIds);
const entry = (user: string, ms = Date.now()) => callbackBody({ type: 103, room: 1234, user, ms });

notePostgresSkipped();

describe.each(STORES)("ban enforcement: shutdown, audit, ingest ($name store)", (factory) => {
  beforeEach(async () => {
    if (factory.skip) return;
    ({ url: inventory, cleanup } = await factory.fresh());
    clock = new ManualClock();
    emu = await emulator({ seed: seedApp({ "1234": ["troll", "fine"] }), clock });
    const store = await openStore(inventory);
    await store.addBans(
      [{ sdkAppId: APP, room: { roomIdType: "numeric", roomId: 1234 }, userId: "troll", reason: "spam", untilMs: Date.now() + 60_000 }],
      Date.now(),
    );
    await store.close();
  });
  afterEach(async () => {
    if (factory.skip) return;
    await emu.close();
    await cleanup();
  });

  it.skipIf(factory.skip)("shutdown: the kick on the wire finishes, those not yet sent are dropped and counted on stderr; exit 0", async () => {
    const users = ["t1", "t2", "t3", "t4"];
    const store = await openStore(inventory);
    const room = { roomIdType: "numeric" as const, roomId: 1234 };
    await store.addBans(
      users.map((userId) => ({ sdkAppId: APP, room, userId, reason: null, untilMs: Date.now() + 60_000 })),
      Date.now(),
    );
    await store.close();
    // troll's kick is held on the wire until the emulator's clock moves; one request at a time, so the others' kicks wait behind it.
    await control(emu, "POST", "faults", { target: "api", kind: "latency", action: "RemoveUser", ms: 1000, times: 1 });
    // A forward target that never takes a delivery: at shutdown the receiver reports them left pending, the line it
    // prints just before ban enforcement closes (dropping what is queued, within the same turn of the event loop).
    const target = createServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    const s = await serve(emu, inventory, {}, ["--concurrency", "1", "--forward", `http://127.0.0.1:${(target.address() as AddressInfo).port}/`]);
    const send = async (user: string) => {
      const raw = entry(user);
      return (await post(s.url, raw, signedHeaders(raw))).status;
    };
    expect(await send("troll")).toBe(200);
    await until(() => removes().length === 1, "troll's kick on the wire");
    expect(await Promise.all(users.map(send))).toEqual([200, 200, 200, 200]);
    const stopped = s.stop();
    await until(() => /left pending in the inventory/.test(s.run.stderr()), "the receiver closed");
    expect(s.enforced()).toEqual([]);
    clock.advanceTo(1000);
    expect(await stopped).toBe(0);
    target.close();
    expect(removes()).toHaveLength(1);
    expect(s.enforced()).toEqual([expect.objectContaining({ userIds: ["troll"], status: "done", cause: "ban-enforced" })]);
    expect(s.run.stderr()).toContain("warning: ban enforcement: 4 kicks not sent, dropped at shutdown");
  });

  it.skipIf(factory.skip)("each enforcement is audited when auditLog is configured, with its cause and no secret", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trtc-audit-"));
    writeFileSync(join(dir, "trtc.yaml"), `auditLog: ${join(dir, "audit.jsonl")}\nprofiles: {}\n`);
    const s = await serve(emu, inventory, { TRTC_CONFIG: join(dir, "trtc.yaml") });
    const raw = entry("troll");
    await post(s.url, raw, signedHeaders(raw));
    await until(() => s.enforced().length === 1, "the enforcement");
    expect(await s.stop()).toBe(0);
    const text = readFileSync(join(dir, "audit.jsonl"), "utf8");
    expect(JSON.parse(text)).toMatchObject({ action: "RemoveUser", roomId: 1234, userIds: ["troll"], status: "done", cause: "ban-enforced" });
    expect(text).not.toContain(DEFAULT_SECRET_KEY);
  });

  it.skipIf(factory.skip)("an audit log that cannot be opened: no kick (fail closed), a warning, events still stored", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trtc-audit-"));
    writeFileSync(join(dir, "trtc.yaml"), `auditLog: ${dir}\nprofiles: {}\n`);
    const s = await serve(emu, inventory, { TRTC_CONFIG: join(dir, "trtc.yaml") });
    const raw = entry("troll");
    expect((await post(s.url, raw, signedHeaders(raw))).status).toBe(200);
    await until(() => /ban enforcement cannot kick/.test(s.run.stderr()), "the warning");
    expect(await s.stop()).toBe(0);
    expect(removes()).toEqual([]);
    expect(s.run.stderr()).toMatch(/ban enforcement cannot kick: cannot open the audit log .*: EISDIR/);
  });

  it.skipIf(factory.skip)("events ingest enforces too: once per stored 103, not for duplicates or unbanned users", async () => {
    const line = (raw: Buffer) => JSON.stringify({ headers: signedHeaders(raw), body: raw.toString("utf8") });
    const troll = entry("troll");
    const input = [line(troll), line(troll), line(entry("fine"))].join("\n");
    const r = await run(["events", "ingest", "-o", "ndjson"], { input, env: emulatorEnv(emu, { TRTC_INVENTORY: inventory, TRTC_CALLBACK_KEY: KEY }) });
    expect(r.code).toBe(0);
    expect(removes()).toEqual([["troll"]]);
    const enforced = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((l) => l.cause);
    expect(enforced).toEqual([expect.objectContaining({ action: "RemoveUser", userIds: ["troll"], status: "done", cause: "ban-enforced" })]);
  });

  it.skipIf(factory.skip)("pretty output names the cause on the Result's line", async () => {
    const s = await serve(emu, inventory, {}, ["-o", "pretty"]);
    const raw = entry("troll");
    await post(s.url, raw, signedHeaders(raw));
    await until(() => /ban-enforced/.test(s.run.stdout()), "the enforcement");
    expect(await s.stop()).toBe(0);
    expect(s.run.stdout()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ban-enforced ✔ RemoveUser room 1234 users troll done RequestId \S+$/m);
  });
});
