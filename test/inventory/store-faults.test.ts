import { execFileSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statfsSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startReceiver } from "../../src/events/receiver.js";
import { openStore } from "../../src/store/open.js";
import { openPostgres } from "../../src/store/postgres.js";
import { SqlInventory } from "../../src/store/sql-inventory.js";
import { filePath } from "../../src/store/url.js";
import { APP, callbackBody, get, KEY, notePostgresSkipped, PG_URL, post, STORES, signedHeaders, tempDir } from "./helpers.js";
import { tcpProxy, throughProxy } from "./tcp-proxy.js";

notePostgresSkipped();
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const T = 1_763_600_000_000;
const enter = (user: string, room: number | string = 7) => callbackBody({ type: 103, room, user, ms: T + user.length });
const incomingEnter = (user: string) => ({
  sdkAppId: APP,
  event: {
    groupId: 1,
    type: 103 as const,
    callbackMs: T,
    room: { type: 103 as const, roomId: 7, roomIdType: "numeric" as const, userId: user, eventMs: T + user.length, role: "anchor" as const, reason: null },
  },
  raw: enter(user),
  source: "trtc" as const,
});

/** A receiver on the inventory at `url`, and what it said about the store. */
async function receiverOn(url: string) {
  const store = await openStore(url);
  const said: string[] = [];
  const receiver = await startReceiver({
    host: "127.0.0.1",
    port: 0,
    path: "/",
    expected: { key: KEY, sdkAppId: APP },
    sink: store,
    onEvent: () => undefined,
    onReject: () => undefined,
    onStoreError: (err) => said.push(`error: ${(err as Error).message}`),
    onStoreBack: (failed) => said.push(`back after ${failed}`),
  });
  cleanups.push(
    () => store.close(),
    () => receiver.close(100),
  );
  const send = async (raw: Buffer) => (await post(receiver.url, raw, signedHeaders(raw))).status;
  const health = async () => (await get(new URL("/healthz", receiver.url).href)).status;
  return { store, said, send, health };
}

async function membersAt(url: string): Promise<string[]> {
  const store = await openStore(url);
  try {
    return (await store.listRooms(APP, { all: true })).flatMap((r) => r.members.map((m) => m.userId)).sort();
  } finally {
    await store.close();
  }
}

/** A receiver on an embedded store that took one callback, then had its file deleted: the next callback got 500. */
async function fileDeletedUnder() {
  const { url, cleanup } = await STORES[0]!.fresh();
  cleanups.push(cleanup);
  const path = filePath(url);
  const r = await receiverOn(url);
  expect(await r.send(enter("before"))).toBe(200);
  rmSync(path);
  expect(await r.send(enter("during"))).toBe(500);
  return { url, path, r };
}

describe("embedded store: the file deleted or replaced under a running receiver", () => {
  it("deleted: 500 and /healthz 503 (nothing written into the deleted file) until a file is back; then it is migrated and written to", async () => {
    const { url, path, r } = await fileDeletedUnder();
    expect(await r.health()).toBe(503);
    expect(existsSync(path)).toBe(false);
    expect(r.said).toEqual([expect.stringContaining(`the inventory file ${path} is gone`)]);
    // An empty file put back (or a restored copy) is opened and migrated.
    writeFileSync(path, "");
    expect(await r.health()).toBe(200);
    expect(await r.send(enter("during"))).toBe(200);
    expect(await r.send(enter("after"))).toBe(200);
    expect(r.said.at(-1)).toBe("back after 1");
    expect(await membersAt(url)).toEqual(["after", "during"]);
  });

  it("an empty file put back is migrated by the first callback to arrive, not only by a health check (it used to hang every request)", async () => {
    const { url, path, r } = await fileDeletedUnder();
    writeFileSync(path, "");
    // The callback's write transaction reopens the file; the migration must not wait behind that same transaction.
    expect(await r.send(enter("during"))).toBe(200);
    expect(await r.health()).toBe(200);
    expect(await membersAt(url)).toEqual(["during"]);
  });

  it("replaced by another inventory file (moved over it): later callbacks go into the new file, the old file's log is not replayed into it", async () => {
    const { url, cleanup } = await STORES[0]!.fresh();
    cleanups.push(cleanup);
    const path = filePath(url);
    const other = `file:${join(tempDir(), "restored.db")}`;
    const restored = await openStore(other);
    await restored.append([
      {
        sdkAppId: APP,
        event: {
          groupId: 1,
          type: 103,
          callbackMs: T,
          room: { type: 103, roomId: 7, roomIdType: "numeric", userId: "restored", eventMs: T, role: "anchor", reason: null },
        },
        raw: enter("restored"),
        source: "trtc",
      },
    ]);
    await restored.close();
    // A restored copy is one self-contained file (as `sqlite3 .backup` makes), moved over the path.
    const { createClient } = await import("@libsql/client");
    const raw = createClient({ url: other });
    await raw.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    raw.close();
    const r = await receiverOn(url);
    expect(await r.send(enter("old"))).toBe(200);
    renameSync(filePath(other), path);
    expect(await r.send(enter("new")), r.said.join()).toBe(200);
    expect(await r.health()).toBe(200);
    expect(await membersAt(url)).toEqual(["new", "restored"]);
  });
});

const DISK_BYTES = 3 << 20;

/** Mounts a 3 MiB tmpfs, where a full disk can be made and undone; needs root (mount). */
function mountTinyDisk(): string | undefined {
  const dir = tempDir("trtc-disk-");
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${DISK_BYTES}`, "tmpfs", dir], { stdio: "ignore" });
    return dir;
  } catch {
    return undefined;
  }
}

/** Whether this machine lets the test mount one (tried once, then unmounted). */
const canMount = (() => {
  const dir = process.platform === "linux" && process.getuid?.() === 0 ? mountTinyDisk() : undefined;
  if (dir) execFileSync("umount", [dir]);
  return dir !== undefined;
})();

/** Fills the tiny disk to the last byte; returns the filler's path. Refuses any other file system. */
function fill(dir: string): string {
  const fs = statfsSync(dir);
  expect(fs.blocks * fs.bsize).toBeLessThanOrEqual(DISK_BYTES);
  const filler = join(dir, "filler");
  const chunk = Buffer.alloc(4096, 1);
  const fd = openSync(filler, "w");
  try {
    // Bounded, whatever happens: never more than the disk's size.
    for (let written = 0; written <= DISK_BYTES; written += chunk.length) writeSync(fd, chunk);
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe("ENOSPC");
  } finally {
    closeSync(fd);
  }
  expect(statfsSync(dir).bavail).toBe(0);
  return filler;
}

describe("embedded store: a full disk (a tmpfs the test mounts; root only)", () => {
  it.skipIf(!canMount)("500 and /healthz 503 while no commit fits; recovers by itself once space is freed", async () => {
    const disk = mountTinyDisk()!;
    cleanups.push(async () => execFileSync("umount", ["-l", disk]));
    const dir = join(disk, "state");
    mkdirSync(dir);
    const url = `file:${join(dir, "inventory.db")}`;
    const r = await receiverOn(url);
    expect(await r.send(enter("before"))).toBe(200);
    const filler = fill(disk);
    // Enough new rows that the commit needs pages the disk no longer has.
    const statuses = await Promise.all(Array.from({ length: 50 }, (_, i) => r.send(enter(`full-${i}`, `room-${i}`))));
    expect(new Set(statuses)).toEqual(new Set([500]));
    // Reads still work on a full disk: the health check must not take that for health.
    expect(await r.health()).toBe(503);
    rmSync(filler);
    expect(await r.health()).toBe(200);
    expect(await r.send(enter("after"))).toBe(200);
    expect(await membersAt(url)).toEqual(["after", "before"]);
  });
});

describe.skipIf(!PG_URL)("PostgreSQL restarted or unreachable (through a proxy the test controls)", () => {
  async function proxied() {
    const { url, cleanup } = await STORES[1]!.fresh();
    const target = new URL(url);
    const proxy = await tcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanups.push(cleanup, proxy.close);
    return { url: throughProxy(url, proxy.port), direct: url, proxy };
  }

  it("a connection cut between two statements of a transaction fails the transaction, never the process", async () => {
    const { url, proxy } = await proxied();
    const db = await openPostgres(url);
    cleanups.push(() => db.close());
    const failed = db.tx(async (q) => {
      await q("SELECT 1");
      await proxy.cut();
      // A fresh connection's round trip: by then the transaction's idle connection has seen the cut.
      await db.query("SELECT 1");
      return q("SELECT 1");
    });
    await expect(failed).rejects.toThrow();
    expect(await db.query("SELECT 2 AS two")).toEqual([{ two: 2 }]);
  });

  it("a server that stops answering, connections left open: the commit fails in time instead of waiting for ever, and the store recovers", async () => {
    const { url, direct, proxy } = await proxied();
    await openStore(url).then((s) => s.close());
    const store = new SqlInventory(await openPostgres(url), "proxied", 300);
    cleanups.push(() => store.close());
    await store.append([incomingEnter("before")]);
    proxy.freeze(true);
    // Before, this waited for the server for ever: no answer to TRTC, and SIGTERM could not end the receiver.
    await expect(store.append([incomingEnter("during")])).rejects.toThrow(/timeout/i);
    proxy.freeze(false);
    await proxy.cut();
    await store.append([incomingEnter("after")]);
    expect(await membersAt(direct)).toEqual(["after", "before"]);
  });

  it("every connection cut and new ones refused: 500 and /healthz 503, then recovery by itself", async () => {
    const { url, direct, proxy } = await proxied();
    const r = await receiverOn(url);
    expect(await r.send(enter("before"))).toBe(200);
    expect(proxy.open()).toBeGreaterThan(0);
    proxy.refuse(true);
    await proxy.cut();
    expect(await r.send(enter("during"))).toBe(500);
    expect(await r.health()).toBe(503);
    proxy.refuse(false);
    expect(await r.health()).toBe(200);
    expect(await r.send(enter("during"))).toBe(200);
    expect(r.said).toEqual([expect.stringMatching(/^error: /), "back after 1"]);
    expect(await membersAt(direct)).toEqual(["before", "during"]);
  });
});
