export type Row = Record<string, unknown>;

/** Runs one statement with "?" placeholders. */
export type Query = (sql: string, args?: unknown[]) => Promise<Row[]>;

/** The little each database has to provide; the inventory's SQL is shared. */
export interface Db {
  dialect: "sqlite" | "postgres";
  query: Query;
  /**
   * `SELECT <columns> <rest>` as arrays of values, for large results: row objects cost more than the
   * query itself at 100,000 rooms. `rest` is FROM and WHERE, optionally ORDER BY and LIMIT (no GROUP BY).
   */
  selectArrays(columns: string[], rest: string, args: unknown[]): Promise<unknown[][]>;
  /**
   * Runs `fn` in one write transaction, committed durably before the promise resolves. `timeoutMs`: a
   * database server that stops answering (a stalled host, a network partition that leaves the
   * connection open) fails the transaction after that long, instead of holding it, and whoever waits on it, forever.
   */
  tx<T>(fn: (q: Query) => Promise<T>, timeoutMs?: number): Promise<T>;
  /**
   * Serialises writers of the same rooms across processes for the rest of the transaction.
   * SQLite needs nothing (one writer at a time); PostgreSQL takes advisory locks, in sorted order so two receivers cannot deadlock.
   */
  lockKeys(q: Query, keys: string[]): Promise<void>;
  close(): Promise<void>;
}

export const num = (v: unknown): number => Number(v);
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Lets the event loop turn, once a page of a long listing. libsql answers synchronously, so a listing
 * to a file or /dev/null never left its first task, and the native memory of each page's statement,
 * freed only by finalizers that run between tasks, piled up: 1,000,000 rooms peaked at 185-225 MB, against 145-175.
 */
export const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
