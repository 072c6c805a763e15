import { ConfigError } from "../errors.js";
import type { Db } from "./db.js";

const SCHEMA_VERSION = 3;

/** Fixed key for the PostgreSQL advisory lock that makes concurrent first starts safe. */
const SCHEMA_LOCK = 7_261_870_901;

function v1(dialect: Db["dialect"]): string[] {
  const id = dialect === "postgres" ? "id BIGSERIAL PRIMARY KEY" : "id INTEGER PRIMARY KEY AUTOINCREMENT";
  const blob = dialect === "postgres" ? "BYTEA" : "BLOB";
  return [
    // The event log is the truth; rooms and members are derived from it and can be re-folded.
    `CREATE TABLE IF NOT EXISTS events (${id}, sdk_app_id BIGINT NOT NULL, dedupe_key TEXT NOT NULL, group_id INTEGER NOT NULL,
      event_type INTEGER NOT NULL, room_type TEXT, room_id TEXT, user_id TEXT NOT NULL DEFAULT '', event_ms BIGINT, role TEXT,
      source TEXT NOT NULL, body ${blob} NOT NULL, received_ms BIGINT NOT NULL)`,
    "CREATE UNIQUE INDEX IF NOT EXISTS events_dedupe ON events (sdk_app_id, dedupe_key)",
    "CREATE INDEX IF NOT EXISTS events_room ON events (sdk_app_id, room_type, room_id)",
    `CREATE TABLE IF NOT EXISTS rooms (sdk_app_id BIGINT NOT NULL, room_type TEXT NOT NULL, room_id TEXT NOT NULL,
      live INTEGER NOT NULL, created_ms BIGINT, last_ms BIGINT NOT NULL, last_rank INTEGER NOT NULL, closed_ms BIGINT,
      member_count INTEGER NOT NULL, PRIMARY KEY (sdk_app_id, room_type, room_id))`,
    "CREATE INDEX IF NOT EXISTS rooms_live ON rooms (sdk_app_id, live)",
    `CREATE TABLE IF NOT EXISTS members (sdk_app_id BIGINT NOT NULL, room_type TEXT NOT NULL, room_id TEXT NOT NULL,
      user_id TEXT NOT NULL, role TEXT NOT NULL, since_ms BIGINT NOT NULL, PRIMARY KEY (sdk_app_id, room_type, room_id, user_id))`,
  ];
}

/** Bans: an all-rooms ban has room_type and room_id '' (a primary key cannot hold NULL in PostgreSQL). */
function v2(): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS bans (sdk_app_id BIGINT NOT NULL, room_type TEXT NOT NULL, room_id TEXT NOT NULL, user_id TEXT NOT NULL,
      reason TEXT, created_ms BIGINT NOT NULL, until_ms BIGINT NOT NULL, PRIMARY KEY (sdk_app_id, user_id, room_type, room_id))`,
  ];
}

/**
 * Coverage: when each SdkAppId's first and latest callback arrived, kept apart from the event log so
 * pruning old events never loses it (filled from the events kept so far). And the orders that
 * `rooms list` and `bans list` page through (room-reader.ts, bans.ts): numeric room ids by length
 * then text, which is by number; string room ids by code point (PostgreSQL's "C" collation, not the
 * database's); bans in the order they were made.
 */
function coverage(dialect: Db["dialect"]): string[] {
  // SQLite compares text by code point already: its primary key serves string rooms.
  const textOrder = dialect === "postgres" ? ['CREATE INDEX IF NOT EXISTS rooms_text_order ON rooms (sdk_app_id, room_type, room_id COLLATE "C")'] : [];
  return [
    "CREATE TABLE IF NOT EXISTS coverage (sdk_app_id BIGINT PRIMARY KEY, first_ms BIGINT NOT NULL, last_ms BIGINT NOT NULL)",
    `INSERT INTO coverage (sdk_app_id, first_ms, last_ms) SELECT sdk_app_id, MIN(received_ms), MAX(received_ms) FROM events WHERE source = 'trtc' GROUP BY sdk_app_id`,
    "CREATE INDEX IF NOT EXISTS rooms_numeric_order ON rooms (sdk_app_id, room_type, length(room_id), room_id)",
    ...textOrder,
    "CREATE INDEX IF NOT EXISTS bans_order ON bans (sdk_app_id, created_ms, user_id, room_type, room_id)",
  ];
}

/** Migration n takes a store from version n - 1 to n. */
const MIGRATIONS: ((dialect: Db["dialect"]) => string[])[] = [v1, v2, coverage];

async function versionOf(q: Db["query"]): Promise<number> {
  const found = (await q("SELECT MAX(version) AS v FROM schema_version"))[0]?.v;
  return found === null || found === undefined ? 0 : Number(found);
}

function tooNew(version: number): ConfigError {
  return new ConfigError(`the inventory's schema is version ${version}, newer than this trtc-admin understands (${SCHEMA_VERSION})`, "upgrade trtc-admin");
}

/** Creates or checks the schema; safe when several processes open a new database at once. */
export async function migrate(db: Db): Promise<void> {
  // A reader of an existing inventory takes no write lock: `rooms list` never waits for the receiver.
  const seen = await versionOf(db.query).catch(() => 0);
  if (seen > SCHEMA_VERSION) throw tooNew(seen);
  if (seen === SCHEMA_VERSION) return;
  await db.tx(async (q) => {
    if (db.dialect === "postgres") await q(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`);
    await q("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const version = await versionOf(q);
    if (version > SCHEMA_VERSION) throw tooNew(version);
    if (version === SCHEMA_VERSION) return;
    for (let v = version + 1; v <= SCHEMA_VERSION; v++) {
      for (const statement of MIGRATIONS[v - 1]!(db.dialect)) await q(statement);
      await q("INSERT INTO schema_version (version) VALUES (?)", [v]);
    }
  });
}
