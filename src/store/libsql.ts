import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Db, Query, Row } from "./db.js";
import { filePath } from "./url.js";

/** The embedded store: one SQLite file in WAL mode, so local readers never wait for the writer. */
export async function openLibsql(url: string): Promise<Db> {
  if (!/^file:/i.test(url)) throw new Error("expected a file: URL or a postgres:// URL");
  const path = filePath(url);
  // The inventory names users and rooms: private to its owner.
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const created = !existsSync(path);
  const { createClient } = await import("@libsql/client");
  // synchronous stays at this build's default, FULL: a commit is on disk before any 200 is sent.
  const client = createClient({ url: `file:${path}`, timeout: 5000, intMode: "number" });
  if (created) chmodSync(path, 0o600);
  await client.execute("PRAGMA journal_mode = WAL");
  const query: Query = async (sql, args = []) => (await client.execute({ sql, args: args as never })).rows as unknown as Row[];
  // One write transaction at a time per process: a second BEGIN IMMEDIATE would block the event loop on the file lock.
  let writer: Promise<unknown> = Promise.resolve();
  return {
    dialect: "sqlite",
    query,
    // SQLite builds one JSON array of all rows: parsing it is an order of magnitude faster than the client's row objects.
    async selectArrays(columns, rest, args) {
      // Aggregated over a subquery, so `rest` may order and limit; the rows keep its order.
      const names = columns.map((_, i) => `c${i}`);
      const inner = `SELECT ${columns.map((c, i) => `${c} AS ${names[i]}`).join(", ")} ${rest}`;
      const [row] = await query(`SELECT json_group_array(json_array(${names.join(", ")})) AS rows FROM (${inner})`, args);
      return JSON.parse(String(row?.rows ?? "[]")) as unknown[][];
    },
    tx<T>(fn: (q: Query) => Promise<T>): Promise<T> {
      const run = writer.then(async () => {
        const tx = await client.transaction("write");
        try {
          const result = await fn(async (sql, args = []) => (await tx.execute({ sql, args: args as never })).rows as unknown as Row[]);
          await tx.commit();
          return result;
        } finally {
          tx.close();
        }
      });
      writer = run.catch(() => undefined);
      return run;
    },
    lockKeys: async () => undefined,
    close: async () => client.close(),
  };
}
