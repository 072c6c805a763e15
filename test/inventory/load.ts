import { connect, type Socket } from "node:net";

/** One keep-alive connection that sends a request and reads its answer; lighter than node:http, so the receiver, not the client, is measured. */
class Connection {
  private buffer = Buffer.alloc(0);
  private waiting: ((status: number) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end === -1 || !this.waiting) return;
      const head = this.buffer.subarray(0, end).toString("latin1");
      const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (this.buffer.length < end + 4 + length) return;
      this.buffer = this.buffer.subarray(end + 4 + length);
      const done = this.waiting;
      this.waiting = undefined;
      done(Number(head.slice(9, 12)));
    });
  }

  static open(port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => resolve(new Connection(socket))).on("error", reject);
      socket.setNoDelay(true);
    });
  }

  send(path: string, raw: Buffer, headers: Record<string, string>): Promise<number> {
    const lines = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("");
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nHost: x\r\n${lines}Content-Length: ${raw.length}\r\n\r\n`), raw]));
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface Load {
  sent: number;
  seconds: number;
  statuses: Record<number, number>;
}

/** Posts from `concurrency` connections for `seconds`; `make(i)` builds the i-th request. */
export async function blast(
  url: string,
  make: (i: number) => { raw: Buffer; headers: Record<string, string> },
  concurrency: number,
  seconds: number,
): Promise<Load> {
  const { port, pathname } = new URL(url);
  const connections = await Promise.all(Array.from({ length: concurrency }, () => Connection.open(Number(port))));
  const statuses: Record<number, number> = {};
  let sent = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    connections.map(async (c) => {
      while (performance.now() < until) {
        const { raw, headers } = make(sent++);
        const status = await c.send(pathname, raw, headers);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
      c.close();
    }),
  );
  return { sent, seconds: (performance.now() - started) / 1000, statuses };
}
