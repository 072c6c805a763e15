import { chmodSync, existsSync, mkdirSync, rmSync, type Stats, statSync } from "node:fs";
import { dirname } from "node:path";
import type { Client } from "@libsql/client";
import type { Db, Query, Row } from "./db.js";
import { migrate } from "./schema.js";
import { filePath } from "./url.js";

interface Opened {
  client: Client;
  dev: number;
  ino: number;
}

const SIDECARS = ["-wal", "-shm"];
const sameFile = (a: Stats | undefined, b: { dev: number; ino: number } | undefined) =>
  a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;

/** How long a statement waits for another process's write before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Runs `fn` again while SQLite answers SQLITE_BUSY without having waited, for as long as a statement
 * would wait: switching a new file to WAL fails at once while another process writes it (parallel
 * CI jobs creating one inventory).
 */
async function untilUnlocked<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    try {
      return await fn();
    } catch (err) {
      if ((err as { code?: unknown }).code !== "SQLITE_BUSY" || Date.now() + pause > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** Errors after which a read is not proof that the store can commit (a full disk still reads). */
const WRITE_FAULT = /SQLITE_(FULL|IOERR|CANTOPEN|READONLY)/;

/**
 * One write transaction at a time per file in this process: a second BEGIN IMMEDIATE would block the
 * event loop on the file lock, so the first could never commit. Keyed by path, not by store: one run
 * may open a file twice (its shared rate budget, the closes it records), both first creating its schema.
 */
const writers = new Map<string, Promise<unknown>>();

/** Runs `fn` once the earlier writers of `path` in this process are done. */
function inWriterSlot<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const run = (writers.get(path) ?? Promise.resolve()).then(fn);
  writers.set(
    path,
    run.catch(() => undefined),
  );
  return run;
}

/**
 * `client(holding)` gives the open connection; `holding` says the caller has the path's writer slot.
 * `queued` false: the caller already holds the slot for every transaction (the migration of a reopened file).
 */
function dbOver(path: string, client: (holding: boolean) => Promise<Client>, afterCommit: () => void, queued = true): Omit<Db, "close"> {
  const query: Query = async (sql, args = []) => (await (await client(false)).execute({ sql, args: args as never })).rows as unknown as Row[];
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
      const write = async () => {
        const tx = await (await client(true)).transaction("write");
        try {
          const result = await fn(async (sql, args = []) => (await tx.execute({ sql, args: args as never })).rows as unknown as Row[]);
          await tx.commit();
          afterCommit();
          return result;
        } finally {
          tx.close();
        }
      };
      return queued ? inWriterSlot(path, write) : write();
    },
    lockKeys: async () => undefined,
  };
}

/**
 * The embedded store: one SQLite file in WAL mode, so local readers never wait for the writer.
 * A receiver runs for months, so the file may be deleted or replaced under it: SQLite would go on
 * writing into the deleted inode and every 200 would be a lie. Each statement first checks that the
 * file at the path is the one open; if it is gone, everything fails until a file is back there
 * (restored, or an empty one), which is then opened and migrated.
 */
export async function openLibsql(url: string): Promise<Db> {
  if (!/^file:/i.test(url)) throw new Error("expected a file: URL or a postgres:// URL");
  const path = filePath(url);
  // The inventory names users and rooms: private to its owner.
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const created = !existsSync(path);
  // The file-only client: the package root also loads the remote (http, ws) clients, ~60 modules and tens of ms at start-up.
  const { createClient } = await import("@libsql/client/sqlite3");
  const connect = async (): Promise<Opened> => {
    // synchronous stays at this build's default, FULL: a commit is on disk before any 200 is sent.
    const client = createClient({ url: `file:${path}`, timeout: BUSY_TIMEOUT_MS, intMode: "number" });
    try {
      await untilUnlocked(() => client.execute("PRAGMA journal_mode = WAL"));
      const { dev, ino } = statSync(path);
      return { client, dev, ino };
    } catch (err) {
      client.close();
      throw err;
    }
  };
  let opened: Opened | undefined = await connect();
  if (created) chmodSync(path, 0o600);
  // Set by a failed commit: until a probe write succeeds, a read (the health check) does not count as healthy.
  let suspect = false;

  const isOpenFile = (): boolean => sameFile(statSync(path, { throwIfNoEntry: false }), opened);
  // The -wal and -shm beside the open file, as of the last commit. SQLite leaves them behind when the
  // file is deleted or replaced, and would replay the old file's log into the new one: they must go first.
  let sidecars = new Map<string, Stats>();
  const noteSidecars = () => {
    sidecars = new Map();
    for (const suffix of SIDECARS) {
      const st = statSync(path + suffix, { throwIfNoEntry: false });
      if (st) sidecars.set(suffix, st);
    }
  };
  // Called with the path's writer slot held: the migration's write must not queue behind the
  // transaction that found the file replaced (that hung every request until a health check came first).
  const reopen = async (): Promise<Client> => {
    if (opened && isOpenFile()) return opened.client;
    // Never another statement into the deleted or replaced file; its -wal and -shm go first.
    opened?.client.close();
    opened = undefined;
    if (!existsSync(path)) throw new Error(`the inventory file ${path} is gone (deleted or moved): put it back, or an empty file there, to resume`);
    for (const [suffix, st] of sidecars) if (sameFile(statSync(path + suffix, { throwIfNoEntry: false }), st)) rmSync(path + suffix);
    sidecars.clear();
    const fresh = await connect();
    try {
      await migrate({
        ...dbOver(
          path,
          async () => fresh.client,
          () => undefined,
          false,
        ),
        close: async () => undefined,
      });
    } catch (err) {
      fresh.client.close();
      throw err;
    }
    opened = fresh;
    return fresh.client;
  };
  const current = async (holding: boolean): Promise<Client> => {
    if (opened && isOpenFile()) return opened.client;
    return holding ? reopen() : inWriterSlot(path, reopen);
  };
  const db = dbOver(path, current, () => {
    // The file was deleted or replaced during the transaction: the commit went into the old one.
    if (!isOpenFile()) throw new Error(`the inventory file ${path} was deleted or replaced during a write`);
    noteSidecars();
  });
  const tx: Db["tx"] = async (fn) => {
    try {
      const result = await db.tx(fn);
      suspect = false;
      return result;
    } catch (err) {
      if (WRITE_FAULT.test(String((err as { code?: unknown }).code ?? (err as Error).message))) suspect = true;
      throw err;
    }
  };
  return {
    ...db,
    tx,
    // After a failed commit (a full disk reads fine), only a write proves the store is back.
    query: async (sql, args) => {
      if (suspect) await tx(async (q) => q(`PRAGMA user_version = ${Number((await q("PRAGMA user_version"))[0]?.user_version ?? 0)}`));
      return db.query(sql, args);
    },
    close: async () => opened?.client.close(),
  };
}
