import { once } from "node:events";
import { type AddressInfo, connect, createServer, type Socket } from "node:net";

/**
 * A TCP proxy in front of PostgreSQL that a test controls: `cut()` ends every connection as a
 * server restart does, `refuse()` turns new connections away as an unreachable server does,
 * `freeze()` stops every byte with the connections left open, as a stalled server does. The
 * shared cluster other tests use is never disturbed.
 */
export async function tcpProxy(target: { host: string; port: number }) {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let refusing = false;
  let frozen = false;
  const server = createServer((client) => {
    if (refusing) return client.destroy();
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    // Frozen: bytes are held in both directions, connections stay open, as with a stalled server.
    client.on("data", (d) => frozen || upstream.write(d));
    upstream.on("data", (d) => frozen || client.write(d));
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    /** How many connections the proxied client holds open. */
    open: () => pairs.size,
    /** Ends every connection at once, as a server restart does. */
    async cut(): Promise<void> {
      await Promise.all(
        [...pairs].map(({ client, upstream }) => {
          upstream.destroy();
          client.destroy();
          return once(client, "close");
        }),
      );
    },
    refuse(on: boolean): void {
      refusing = on;
    },
    /** Drops every byte while on, leaving connections open: a server that stopped answering. */
    freeze(on: boolean): void {
      frozen = on;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The PostgreSQL URL with its host and port replaced by the proxy's. */
export function throughProxy(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = "127.0.0.1";
  u.port = String(port);
  return u.href;
}
