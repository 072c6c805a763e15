import { createHash } from "node:crypto";
import type { Pool, PoolClient, QueryConfig } from "pg";
import type { Db, Query, Row } from "./db.js";

/** "?" placeholders to PostgreSQL's $1, $2, … (the shared SQL never has "?" inside a literal). */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/** A stable signed 64-bit lock id per room: sorted by it, every receiver takes locks in the same order. */
const lockId = (key: string) => createHash("sha256").update(key).digest().readBigInt64BE(0);

/** A connection from the pool by `deadline`: a stalled server also stalls the handshake of a new one. */
async function connectBy(pool: Pool, deadline: number): Promise<PoolClient> {
  const connecting = pool.connect();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("no database connection in time")), Math.max(1, deadline - Date.now()));
  });
  try {
    return await Promise.race([connecting, late]);
  } catch (err) {
    // One that comes after all goes back to the pool.
    connecting.then(
      (client) => client.release(),
      () => undefined,
    );
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** The shared store: several receivers and every operator's CLI on one PostgreSQL database. */
export async function openPostgres(url: string): Promise<Db> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000, idleTimeoutMillis: 10_000 });
  // A server restart or a cut connection must never end the process: the pool reports an idle client's
  // error, and a client checked out by a transaction has no pool listener between two statements (that
  // crashed two receivers on \`pg_ctl restart -m fast\`). The statement in flight, or the next, fails instead.
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
  const run =
    (client: Pool | PoolClient, deadline?: number): Query =>
    async (sql, args = []) => {
      if (deadline === undefined) return (await client.query(numbered(sql), args)).rows as Row[];
      // pg fails a statement not answered in time (and the connection is then dropped, below).
      const query_timeout = Math.max(1, deadline - Date.now());
      // query_timeout is honoured per query by pg's client, though missing from its QueryConfig type.
      const config = { text: numbered(sql), values: args, query_timeout } as QueryConfig;
      return (await client.query(config)).rows as Row[];
    };
  await pool.query("SELECT 1");
  return {
    dialect: "postgres",
    query: run(pool),
    async selectArrays(columns, rest, args) {
      return (await pool.query({ text: numbered(`SELECT ${columns.join(", ")} ${rest}`), values: args, rowMode: "array" })).rows as unknown[][];
    },
    async tx<T>(fn: (q: Query) => Promise<T>, timeoutMs?: number): Promise<T> {
      const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
      const client = deadline === undefined ? await pool.connect() : await connectBy(pool, deadline);
      const q = run(client, deadline);
      let failed = false;
      try {
        await q("BEGIN");
        const result = await fn(q);
        await q("COMMIT");
        return result;
      } catch (err) {
        failed = true;
        // A server that did not answer in time will not answer a ROLLBACK either: dropping the connection ends the transaction.
        if (timeoutMs === undefined) await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        // After a failure the connection may be the broken one: a fresh one serves the next transaction.
        client.release(failed);
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
