import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Receiver, startReceiver } from "../../src/events/receiver.js";
import { signBody } from "../../src/events/sign.js";
import { openStore } from "../../src/store/open.js";
import type { InventoryStore } from "../../src/store/types.js";
import { APP, get, KEY, post, STORES } from "./helpers.js";
import { prng } from "./sequences.js";

let receiver: Receiver;
let store: InventoryStore;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const fresh = await STORES[0]!.fresh();
  cleanup = fresh.cleanup;
  store = await openStore(fresh.url);
  receiver = await startReceiver({
    host: "127.0.0.1",
    port: 0,
    path: "/",
    expected: { key: KEY, sdkAppId: APP },
    sink: store,
    onEvent: () => undefined,
    onReject: () => undefined,
    onStoreError: () => undefined,
  });
});
afterAll(async () => {
  await receiver.close(100);
  await store.close();
  await cleanup();
});

/** Raw bytes on a socket: what no well-behaved client would send. */
function rawRequest(bytes: Buffer | string): Promise<string> {
  const { port } = new URL(receiver.url);
  return new Promise((resolve) => {
    let answer = "";
    const socket = connect(Number(port), "127.0.0.1", () => socket.end(bytes));
    socket.setEncoding("utf8").on("data", (d: string) => (answer += d));
    socket.on("close", () => resolve(answer));
    socket.on("error", () => resolve(answer));
    socket.setTimeout(3000, () => socket.destroy());
  });
}

describe("hostile input never takes the receiver down", () => {
  it("random bodies, signed and unsigned, are 4xx; nothing stored", async () => {
    const rand = prng(99);
    for (let i = 0; i < 300; i++) {
      const raw = Buffer.from(Array.from({ length: Math.floor(rand() * 400) }, () => Math.floor(rand() * 256)));
      const signed = rand() < 0.5;
      const { status } = await post(receiver.url, raw, signed ? { Sign: signBody(KEY, raw), SdkAppId: String(APP) } : { Sign: signBody("x", raw) });
      expect([400, 401], `case ${i}`).toContain(status);
    }
    expect(await store.listRooms(APP, { all: true })).toEqual([]);
  });

  it("signed JSON of the wrong shapes is 400", async () => {
    const rand = prng(7);
    const values = [null, true, 0, -1, 1.5, 1e300, "", "x".repeat(100), [], {}, { RoomId: 1 }, "\u0000"];
    for (let i = 0; i < 300; i++) {
      const body: Record<string, unknown> = { EventGroupId: 1, EventType: 103, CallbackTs: 1, EventInfo: { RoomId: 1, EventMsTs: 1, UserId: "u", Role: 20 } };
      const info = body.EventInfo as Record<string, unknown>;
      const target = rand() < 0.5 ? body : info;
      const keys = Object.keys(target);
      target[keys[Math.floor(rand() * keys.length)]!] = values[Math.floor(rand() * values.length)];
      const raw = Buffer.from(JSON.stringify(body));
      const { status } = await post(receiver.url, raw, { Sign: signBody(KEY, raw), SdkAppId: String(APP) });
      expect([200, 400], `case ${i}: ${raw}`).toContain(status);
    }
  });

  it("malformed HTTP, huge headers and a lying Content-Length get an answer or a closed socket, and the receiver lives on", async () => {
    const answers = await Promise.all([
      rawRequest("GARBAGE\r\n\r\n"),
      rawRequest(`POST / HTTP/1.1\r\nHost: x\r\nSign: ${"A".repeat(40_000)}\r\n\r\n`),
      rawRequest("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"),
      rawRequest("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\nabc"),
      rawRequest(Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256))),
    ]);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 400/);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 431/);
    expect(answers[3]).toMatch(/^(HTTP\/1\.1 413|)/);
    expect((await get(new URL("/healthz", receiver.url).href)).status).toBe(200);
  });
});
