import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/commands/program.js";
import type { Emulator } from "../../src/emulator/server.js";
import { control } from "../emulator/control-client.js";
import { emulator } from "../helpers/cli.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { APP, callbackBody, fakeIo, KEY, notePostgresSkipped, post, STORES, signedHeaders } from "./helpers.js";

/**
 * The emulator's callback faults (drop, delay, bad signature, duplicate) going into the real receiver,
 * `events serve`, and what the room inventory shows afterwards. The emulator keeps TRTC's own retry
 * policy (5 s per attempt, one immediate retry, then every 10 s): no test here waits for a later retry.
 */

interface Line {
  eventType: number;
  roomId: number | string;
  userId: string | null;
  eventAt: string;
  status: "stored" | "duplicate";
}

interface ListedRoom {
  roomId: number | string;
  roomIdType: string;
  live: boolean;
  createdAt: string | null;
  lastEventAt: string;
  closedAt: string | null;
  members: { userId: string; role: string; since: string }[];
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * How late a delayed callback comes, on the emulator's callback clock, which the test moves: a delayed
 * callback is sent when the test has seen what must come before it, however slow the machine.
 */
const LATE_MS = 1500;

notePostgresSkipped();

describe.each(STORES)("emulator callback faults into events serve ($name store)", (factory) => {
  let emu: Emulator;
  let receiver: ReturnType<typeof fakeIo>;
  let serving: Promise<number>;
  let receiverUrl: string;
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  let clock: ManualClock;

  beforeEach(async () => {
    if (factory.skip) return;
    const fresh = await factory.fresh();
    cleanup = fresh.cleanup;
    env = { TRTC_SDK_APP_ID: String(APP), TRTC_CALLBACK_KEY: KEY, TRTC_INVENTORY: fresh.url };
    receiver = fakeIo(env);
    serving = main(["events", "serve", "--port", "0", "--output", "ndjson"], receiver.io);
    receiverUrl = await receiver.listening(serving);
    clock = new ManualClock();
    emu = await emulator({ seed: { apps: [{ sdkAppId: APP }] }, callbackUrl: receiverUrl, callbackKey: KEY, clock });
  });
  afterEach(async () => {
    if (factory.skip) return;
    await emu.close();
    receiver.abort.abort();
    expect(await serving).toBe(0);
    await cleanup();
  });

  const client = async (roomId: number | string, userId: string, action: "enter" | "leave") =>
    expect(await control(emu, "POST", "clients", { sdkAppId: APP, roomId, userId, action })).toMatchObject({ ok: true });
  const fault = async (spec: object) =>
    expect(await control(emu, "POST", "faults", { target: "callback", ...spec })).toMatchObject({ target: "callback", ...spec });
  /** What `events serve` printed: one ndjson line per stored or duplicate event (a 101 names no user: its UserId is not kept). */
  const lines = (): Line[] =>
    receiver
      .stdout()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  const printed = () => lines().map((l) => `${l.eventType}:${l.userId ?? ""}:${l.status}`);
  /** The emulator's own delivery log: when each event happened (EventMsTs) and what became of it. */
  const log = () => emu.callbacks!.log;
  const sentAt = (eventType: number, userId?: string) => {
    const found = log().find((r) => r.eventType === eventType && r.userId === userId);
    if (!found) throw new Error(`no ${eventType} for ${userId} in the emulator's callback log`);
    return found.eventMsTs;
  };
  const settled = () => log().every((r) => r.outcome !== "pending");
  const rooms = async (): Promise<ListedRoom[]> => {
    const listed = fakeIo(env);
    expect(await main(["rooms", "list", "--all", "--json"], listed.io)).toBe(0);
    return JSON.parse(listed.stdout()).rooms;
  };
  const members = async (roomId: number | string) => (await rooms()).find((r) => r.roomId === roomId)?.members.map((m) => m.userId);

  it.skipIf(factory.skip)("drop: a dropped 103 leaves the user out of the room; later entries are shown", async () => {
    await fault({ kind: "drop", eventType: 103 });
    await client("ci-drop", "ann", "enter");
    await client("ci-drop", "ben", "enter");
    await until(() => settled() && lines().length === 2, "the two callbacks that were sent");
    expect(log().map((r) => [r.eventType, r.userId, r.outcome])).toEqual([
      [101, "ann", "delivered"],
      [103, "ann", "dropped"],
      [103, "ben", "delivered"],
    ]);
    expect(printed()).toEqual(["101::stored", "103:ben:stored"]);
    // The emulator has ann in the room; the inventory only knows what it was told (a 101's UserId adds no member).
    expect(emu.store.snapshot().apps[0]!.strRooms!["ci-drop"]).toEqual(["ann", "ben"]);
    expect(await rooms()).toEqual([
      {
        sdkAppId: APP,
        roomId: "ci-drop",
        roomIdType: "string",
        live: true,
        createdAt: iso(sentAt(101, "ann")),
        lastEventAt: iso(sentAt(103, "ben")),
        closedAt: null,
        members: [{ userId: "ben", role: "anchor", since: iso(sentAt(103, "ben")) }],
      },
    ]);
  });

  it.skipIf(factory.skip)("delay: a late 103 is stored when it arrives and folded by its event time, not its arrival", async () => {
    await fault({ kind: "delay", ms: LATE_MS, eventType: 103 });
    await client(4242, "ann", "enter");
    await client(4242, "ben", "enter");
    await until(() => lines().length === 2, "the 101 and ben's 103");
    expect(printed()).toEqual(["101::stored", "103:ben:stored"]);
    expect(await members(4242)).toEqual(["ben"]);
    clock.advanceTo(LATE_MS);
    await until(() => settled() && lines().length === 3, "ann's late 103");
    expect(printed()).toEqual(["101::stored", "103:ben:stored", "103:ann:stored"]);
    expect(sentAt(103, "ann")).toBeLessThan(sentAt(103, "ben"));
    const [room] = await rooms();
    expect(room).toMatchObject({ roomId: 4242, roomIdType: "numeric", live: true, createdAt: iso(sentAt(101, "ann")), closedAt: null });
    // The latest event is still ben's entry: ann's arrived last but happened first.
    expect(room!.lastEventAt).toBe(iso(sentAt(103, "ben")));
    expect(Object.fromEntries(room!.members.map((m) => [m.userId, m.since]))).toEqual({ ann: iso(sentAt(103, "ann")), ben: iso(sentAt(103, "ben")) });
  });

  it.skipIf(factory.skip)("delay: a 103 that arrives after the same user's 104 still leaves them out", async () => {
    await fault({ kind: "delay", ms: LATE_MS, eventType: 103 });
    await client("ci-late", "ann", "enter");
    await client("ci-late", "ben", "enter");
    await client("ci-late", "ann", "leave");
    await until(() => lines().length === 3, "the 101, ben's 103 and ann's 104");
    clock.advanceTo(LATE_MS);
    await until(() => settled() && lines().length === 4, "all four callbacks");
    expect(printed()).toEqual(["101::stored", "103:ben:stored", "104:ann:stored", "103:ann:stored"]);
    const [room] = await rooms();
    expect(room).toMatchObject({ roomId: "ci-late", live: true, lastEventAt: iso(sentAt(104, "ann")), closedAt: null });
    expect(room!.members.map((m) => m.userId)).toEqual(["ben"]);
  });

  it.skipIf(factory.skip)("delay: a late 102 does not close a room that was re-opened after it", async () => {
    await fault({ kind: "delay", ms: LATE_MS, eventType: 102 });
    await client("ci-reopen", "ann", "enter");
    await client("ci-reopen", "ann", "leave");
    await client("ci-reopen", "ann", "enter");
    await until(() => lines().length === 5, "all but the 102");
    clock.advanceTo(LATE_MS);
    await until(() => settled() && lines().length === 6, "all six callbacks");
    expect(printed()).toEqual(["101::stored", "103:ann:stored", "104:ann:stored", "101::stored", "103:ann:stored", "102::stored"]);
    const closedAt = log().find((r) => r.eventType === 102)!.eventMsTs;
    const lastEntry = log()
      .filter((r) => r.eventType === 103)
      .at(-1)!.eventMsTs;
    expect(closedAt).toBeLessThan(lastEntry);
    const [room] = await rooms();
    expect(room).toMatchObject({ roomId: "ci-reopen", live: true, closedAt: null, lastEventAt: iso(lastEntry) });
    expect(room!.members).toEqual([{ userId: "ann", role: "anchor", since: iso(lastEntry) }]);
  });

  it.skipIf(factory.skip)("bad signature: the receiver answers 401 to the attempt and TRTC's immediate retry, and stores nothing of that event", async () => {
    await fault({ kind: "bad-signature", eventType: 103 });
    await client("ci-sig", "ann", "enter");
    await client("ci-sig", "ben", "enter");
    const annEntry = () => log().find((r) => r.eventType === 103 && r.userId === "ann");
    // First attempt and the immediate retry, both refused; the next would come 10 s after the first.
    const refused = () => receiver.stderr().match(/refused: 401 from 127\.0\.0\.1:\d+: Sign does not match the body \(the callback key/g)?.length ?? 0;
    await until(() => refused() === 2 && annEntry()?.attempts === 2 && lines().length === 2, "the refused attempts and the other callbacks");
    expect(annEntry()).toMatchObject({ fault: "bad-signature", attempts: 2, outcome: "pending", lastError: "HTTP 401" });
    expect(printed()).toEqual(["101::stored", "103:ben:stored"]);
    expect(await members("ci-sig")).toEqual(["ben"]);
    // Nothing of ann's entry was stored: the same event, correctly signed, is new to the store (not a duplicate).
    const raw = callbackBody({ type: 103, room: "ci-sig", user: "ann", ms: annEntry()!.eventMsTs });
    expect((await post(receiverUrl, raw, signedHeaders(raw))).status).toBe(200);
    expect(lines().at(-1)).toMatchObject({ eventType: 103, userId: "ann", status: "stored" });
    expect(await members("ci-sig")).toEqual(["ann", "ben"]);
    expect(receiver.stdout() + receiver.stderr()).not.toContain(KEY);
  });

  it.skipIf(factory.skip)("duplicate: a 103 that arrives twice is applied once", async () => {
    await fault({ kind: "duplicate", eventType: 103 });
    await client("ci-dup", "ann", "enter");
    await until(() => settled() && lines().length === 3, "the 101 and both copies of the 103");
    expect(log().map((r) => [r.eventType, r.userId, r.outcome, r.attempts])).toEqual([
      [101, "ann", "delivered", 1],
      [103, "ann", "delivered", 1],
      [103, "ann", "delivered", 1],
    ]);
    expect(printed()).toEqual(["101::stored", "103:ann:stored", "103:ann:duplicate"]);
    await client("ci-dup", "ben", "enter");
    await until(() => lines().length === 4, "ben's 103");
    const [room] = await rooms();
    expect(room!.members).toEqual([
      { userId: "ann", role: "anchor", since: iso(sentAt(103, "ann")) },
      { userId: "ben", role: "anchor", since: iso(sentAt(103, "ben")) },
    ]);
  });
});
