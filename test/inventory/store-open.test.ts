import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { openStore } from "../../src/store/open.js";
import { APP, notePostgresSkipped, PG_URL, STORES, tempDir, withStore } from "./helpers.js";
import { event } from "./store-events.js";

notePostgresSkipped();
const [embedded, postgres] = STORES as [(typeof STORES)[0], (typeof STORES)[0]];

async function rawSql(url: string, sql: string): Promise<void> {
  if (url.startsWith("file:")) {
    const { createClient } = await import("@libsql/client");
    const client = createClient({ url });
    await client.execute(sql);
    client.close();
  } else {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(sql);
    await client.end();
  }
}

describe.each(STORES)("opening the store: $name", (factory) => {
  describe.skipIf(factory.skip)(factory.skip ? "skipped: set TRTC_TEST_POSTGRES_URL to run" : "same suite for every store", () => {
    it("refuses a schema newer than it understands, as a configuration error", async () => {
      const { url, cleanup } = await factory.fresh();
      try {
        await (await openStore(url)).close();
        await rawSql(url, "INSERT INTO schema_version (version) VALUES (99)");
        await expect(openStore(url)).rejects.toMatchObject({ code: "ConfigError", message: expect.stringContaining("version 99") });
      } finally {
        await cleanup();
      }
    });
  });
});

describe("embedded store", () => {
  it("is created on first use under a 0700 directory, the file 0600", async () => {
    const dir = join(tempDir(), "state", "trtc-admin");
    await withStore({ ...embedded, fresh: async () => ({ url: `file:${join(dir, "inventory.db")}`, cleanup: async () => undefined }) }, async () => undefined);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "inventory.db")).mode & 0o777).toBe(0o600);
  });

  it("a new file opened by several at once (parallel jobs sharing an inventory) opens for each of them", async () => {
    for (let round = 0; round < 10; round++) {
      const url = `file:${join(tempDir(), "shared.db")}`;
      const opened = await Promise.all([0, 1, 2].map(() => openStore(url)));
      await Promise.all(opened.map((store) => store.close()));
    }
  });

  it("a new file that another job is still creating opens once that job's write ends (SQLite refuses the switch to WAL without waiting)", async () => {
    const path = join(tempDir(), "shared.db");
    const { createClient } = await import("@libsql/client/sqlite3");
    const other = createClient({ url: `file:${path}` });
    const write = await other.transaction("write");
    await write.execute("CREATE TABLE other_job (x INTEGER)");
    setTimeout(() => void write.commit(), 300);
    const started = Date.now();
    const store = await openStore(`file:${path}`);
    await store.close();
    other.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("lets another process's reader read while a writer holds its transaction (WAL)", async () => {
    await withStore(embedded, async (store, url) => {
      await store.append([event(103, 1, 1000, "a")]);
      const { createClient } = await import("@libsql/client");
      const writer = createClient({ url });
      const tx = await writer.transaction("write");
      await tx.execute("DELETE FROM rooms");
      const started = performance.now();
      expect((await store.listRooms(APP, {})).map((r) => r.roomId)).toEqual([1]);
      expect(performance.now() - started).toBeLessThan(1000);
      await tx.rollback();
      writer.close();
    });
  });

  it("opens for reading while another process holds the write lock: readers take none", async () => {
    await withStore(embedded, async (store, url) => {
      await store.append([event(103, 1, 1000, "a")]);
      const { createClient } = await import("@libsql/client");
      const writer = createClient({ url });
      const tx = await writer.transaction("write");
      await tx.execute("DELETE FROM presence");
      const started = performance.now();
      const reader = await openStore(url);
      expect((await reader.listRooms(APP, {}))[0]!.members).toHaveLength(1);
      await reader.close();
      expect(performance.now() - started).toBeLessThan(1000);
      await tx.rollback();
      writer.close();
    });
  });

  it("that cannot be opened is a configuration error (exit 3) naming the store", async () => {
    const file = join(tempDir(), "not-a-dir");
    writeFileSync(file, "x");
    const err = await openStore(`file:${join(file, "inventory.db")}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain("cannot open the inventory file:");
  });

  it("that is not a database is a configuration error", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "sub", "inventory.db"), "this is not SQLite".repeat(500));
    await expect(openStore(`file:${join(dir, "sub", "inventory.db")}`)).rejects.toBeInstanceOf(ConfigError);
  });
});

describe("PostgreSQL store", () => {
  it("unreachable: a configuration error that never shows the password", async () => {
    const err = (await openStore("postgres://trtc:s3cretPw@127.0.0.1:1/trtc").catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain("postgres://127.0.0.1:1/trtc");
    expect(`${err.message} ${err.hint}`).not.toContain("s3cretPw");
  });

  it.skipIf(!PG_URL)("several receivers starting against a new database at once create the schema once", async () => {
    const { url, cleanup } = await postgres.fresh();
    try {
      const stores = await Promise.all(Array.from({ length: 6 }, () => openStore(url)));
      await Promise.all(stores.map((s, i) => s.append([event(103, 77, 1000 + i, `u${i}`)])));
      const rooms = await stores[0]!.listRooms(APP, {});
      expect(rooms[0]!.members).toHaveLength(6);
      await Promise.all(stores.map((s) => s.close()));
      const { default: pg } = await import("pg");
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      expect((await client.query("SELECT version FROM schema_version ORDER BY version")).rows).toEqual([
        { version: 1 },
        { version: 2 },
        { version: 3 },
        { version: 4 },
        { version: 5 },
        { version: 6 },
      ]);
      await client.end();
    } finally {
      await cleanup();
    }
  });
});
