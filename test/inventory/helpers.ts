import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { Io } from "../../src/commands/context.js";
import { signBody } from "../../src/events/sign.js";
import { openStore } from "../../src/store/open.js";
import type { InventoryStore } from "../../src/store/types.js";

export const APP = 1400000001;
export const KEY = "testKey";
export const PG_URL = process.env.TRTC_TEST_POSTGRES_URL;

export interface CallbackFields {
  type: 101 | 102 | 103 | 104 | 105;
  room: number | string;
  user?: string;
  ms: number;
  role?: 20 | 21;
  reason?: number;
}

/** A body as TRTC writes it: tab-indented, so a verifier that re-serialises fails. */
export function callbackBody(f: CallbackFields): Buffer {
  const info: Record<string, unknown> = { RoomId: f.room, EventTs: Math.floor(f.ms / 1000), EventMsTs: f.ms };
  if (f.user !== undefined) info.UserId = f.user;
  if (f.role !== undefined || f.type === 103 || f.type === 105) info.Role = f.role ?? 20;
  if (f.reason !== undefined || f.type === 104) info.Reason = f.reason ?? 1;
  const body = { EventGroupId: 1, EventType: f.type, CallbackTs: f.ms + 40, EventInfo: info };
  return Buffer.from(JSON.stringify(body, null, "\t").replace(/": /g, '":\t'));
}

/** Headers as TRTC sends them; `app` null leaves SdkAppId out. */
export function signedHeaders(raw: Buffer, key = KEY, app: string | null = String(APP)): Record<string, string> {
  const headers: Record<string, string> = { "Content-Type": "application/json", Sign: signBody(key, raw) };
  if (app !== null) headers.SdkAppId = app;
  return headers;
}

export interface Reply {
  status: number;
  text: string;
}

export function post(url: string, raw: Buffer | string, headers: Record<string, string | number>, agent?: import("node:http").Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers, agent: agent ?? false }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(raw);
  });
}

export function get(url: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    })
      .on("error", reject)
      .end();
  });
}

export function tempDir(prefix = "trtc-inv-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** In-process streams and environment for main(argv, io). */
export function fakeIo(env: Record<string, string> = {}, input = "") {
  const out: string[] = [];
  const err: string[] = [];
  const home = tempDir("trtc-home-");
  const abort = new AbortController();
  const stdin = new PassThrough();
  stdin.end(input);
  const watchers = new Set<() => void>();
  const writer = (to: string[]) => (s: string) => {
    to.push(s);
    for (const watch of watchers) watch();
  };
  const io: Io = {
    stdout: { write: writer(out) },
    stderr: { write: writer(err) },
    stdin,
    env: { HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_STATE_HOME: join(home, ".state"), NO_COLOR: "1", ...env },
    cwd: home,
    signal: abort.signal,
  };
  /**
   * The first match of `pattern` in stderr, as soon as it is written (no polling, no deadline of its own:
   * the test's timeout bounds it); rejects if `exited` settles first.
   */
  const stderrMatch = (pattern: RegExp, exited?: Promise<number>) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const found = pattern.exec(err.join(""));
        if (found) watchers.delete(check), resolve(found);
      };
      watchers.add(check);
      check();
      exited?.then(
        (code) => (watchers.delete(check), reject(new Error(`exited ${code} before writing ${pattern}: ${err.join("")}`))),
        (e) => (watchers.delete(check), reject(e)),
      );
    });
  /** The URL `events serve` prints once it listens. */
  const listening = async (exited?: Promise<number>) => (await stderrMatch(/ on (http:\/\/\S+)/, exited))[1]!;
  return { io, abort, home, stdout: () => out.join(""), stderr: () => err.join(""), stderrMatch, listening };
}

export interface StoreFactory {
  name: string;
  skip: boolean;
  /** A fresh, empty inventory URL and a cleanup. */
  fresh(): Promise<{ url: string; cleanup: () => Promise<void> }>;
}

let schemas = 0;

export const STORES: StoreFactory[] = [
  {
    name: "embedded (libsql)",
    skip: false,
    async fresh() {
      const dir = tempDir();
      return { url: `file:${join(dir, "inventory.db")}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: "PostgreSQL",
    skip: !PG_URL,
    // Each test gets its own schema, chosen with the connection's search_path.
    async fresh() {
      const { default: pg } = await import("pg");
      const schema = `trtc_test_${process.pid}_${++schemas}_${Date.now()}`;
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      const sep = PG_URL!.includes("?") ? "&" : "?";
      const url = `${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      return {
        url,
        cleanup: async () => {
          await admin.query(`DROP SCHEMA ${schema} CASCADE`);
          await admin.end();
        },
      };
    },
  },
];

/** Runs one statement on an inventory's database itself (a store as an older version left it, or what is in it): its rows. */
export async function rawSql(url: string, sql: string): Promise<Record<string, unknown>[]> {
  if (url.startsWith("file:")) {
    const { createClient } = await import("@libsql/client");
    const client = createClient({ url });
    try {
      return (await client.execute(sql)).rows as unknown as Record<string, unknown>[];
    } finally {
      client.close();
    }
  }
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Says once per file why the PostgreSQL half of a suite did not run. */
export function notePostgresSkipped(): void {
  if (!PG_URL) console.log("note: PostgreSQL store tests skipped: set TRTC_TEST_POSTGRES_URL (e.g. postgres://trtc:trtc@127.0.0.1/trtc_test) to run them");
}

export async function withStore<T>(factory: StoreFactory, fn: (store: InventoryStore, url: string) => Promise<T>): Promise<T> {
  const { url, cleanup } = await factory.fresh();
  const store = await openStore(url);
  try {
    return await fn(store, url);
  } finally {
    await store.close();
    await cleanup();
  }
}
