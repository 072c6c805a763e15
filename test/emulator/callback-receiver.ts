import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One callback as it arrived: raw bytes, headers, whether Sign verified over those bytes. */
export interface Received {
  raw: Buffer;
  headers: IncomingHttpHeaders;
  body: any;
  signed: boolean;
  /** performance.now() at arrival. */
  at: number;
}

/** How the receiver answers: a status (200 by default), or "hang" to never answer. */
export type Answer = number | "hang";

/** A TRTC callback receiver for tests; it verifies Sign itself, from the documented formula, sharing no code with the emulator. */
export class Receiver {
  readonly received: Received[] = [];
  answer: (r: Received) => Answer = () => 200;
  url = "";
  private readonly server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const expected = createHmac("sha256", this.key).update(raw).digest();
      const given = Buffer.from(String(req.headers.sign ?? ""), "base64");
      const r: Received = {
        raw,
        headers: req.headers,
        body: JSON.parse(raw.toString("utf8")),
        signed: given.length === expected.length && timingSafeEqual(given, expected),
        at: performance.now(),
      };
      this.received.push(r);
      this.reply(res, this.answer(r));
    });
  });
  private readonly hung: ServerResponse[] = [];

  constructor(readonly key = "testKey") {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/trtc/callbacks`;
    return this;
  }

  private reply(res: ServerResponse, answer: Answer): void {
    if (answer === "hang") this.hung.push(res);
    else res.writeHead(answer, { "Content-Type": "application/json" }).end('{"code":0}');
  }

  /** The received events as "type:user" (102 has no user). */
  events(): string[] {
    return this.received.map((r) => `${r.body.EventType}${r.body.EventInfo.UserId ? `:${r.body.EventInfo.UserId}` : ""}`);
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Polls until the condition holds (no fixed sleeps), failing after timeoutMs. */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error("timed out waiting for a condition");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
