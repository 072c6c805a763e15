import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface Relayed {
  /** Date.now() when the callback reached the relay, just before it is passed on to the receiver. */
  at: number;
  eventType: number;
  roomId: number | string;
  userId: string | undefined;
}

/**
 * Sits between the emulator's callbacks and `events serve`, noting when each callback arrives:
 * the start of the ban-enforcement latency (the end is the RemoveUser in the emulator's request log).
 */
export class Relay {
  readonly seen: Relayed[] = [];
  target = "";
  url = "";
  private readonly server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const at = Date.now();
      const raw = Buffer.concat(chunks);
      const body = JSON.parse(raw.toString("utf8"));
      this.seen.push({ at, eventType: body.EventType, roomId: body.EventInfo.RoomId, userId: body.EventInfo.UserId });
      const headers = {
        "Content-Type": "application/json",
        Sign: String(req.headers.sign),
        SdkAppId: String(req.headers.sdkappid),
        "Content-Length": raw.length,
      };
      const out = request(this.target, { method: "POST", headers, agent: false }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, { "Content-Type": "application/json" });
        answer.pipe(res);
      });
      out.on("error", () => res.writeHead(502).end());
      out.end(raw);
    });
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Milliseconds from each banned 103 reaching the relay to the next RemoveUser of that user reaching the emulator. */
export function latencies(seen: Relayed[], removes: { at: number; userId: string }[], userId: string): number[] {
  const entries = seen.filter((s) => s.eventType === 103 && s.userId === userId);
  return entries.flatMap((e) => {
    const kick = removes.find((r) => r.userId === userId && r.at >= e.at);
    return kick ? [kick.at - e.at] : [];
  });
}
