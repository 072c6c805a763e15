import { createHash } from "node:crypto";
import type { Pool, PoolClient } from "pg";
import type { Db, Query, Row } from "./db.js";

/** "?" placeholders to PostgreSQL's $1, $2, … (the shared SQL never has "?" inside a literal). */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/** A stable signed 64-bit lock id per room: sorted by it, every receiver takes locks in the same order. */
const lockId = (key: string) => createHash("sha256").update(key).digest().readBigInt64BE(0);

/** The shared store: several receivers and every operator's CLI on one PostgreSQL database. */
export async function openPostgres(url: string): Promise<Db> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000, idleTimeoutMillis: 10_000 });
  // An idle client's error (server restart) must not crash the receiver; the next query reports it.
  pool.on("error", () => undefined);
  const run =
    (client: Pool | PoolClient): Query =>
    async (sql, args = []) =>
      (await client.query(numbered(sql), args)).rows as Row[];
  await pool.query("SELECT 1");
  return {
    dialect: "postgres",
    query: run(pool),
    async selectArrays(columns, rest, args) {
      return (await pool.query({ text: numbered(`SELECT ${columns.join(", ")} ${rest}`), values: args, rowMode: "array" })).rows as unknown[][];
    },
    async tx<T>(fn: (q: Query) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(run(client));
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async lockKeys(q, keys) {
      // One round trip for all of a batch's rooms, taken in key order so two receivers cannot deadlock.
      const ids = keys.map((key) => lockId(key).toString());
      if (ids.length > 0) await q("SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT unnest(?::bigint[]) AS k ORDER BY 1) AS keys", [ids]);
    },
    close: () => pool.end(),
  };
}
