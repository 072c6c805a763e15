import { ConfigError } from "../errors.js";
import type { Db } from "./db.js";

const SCHEMA_VERSION = 6;

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

const user = "sdk_app_id = e.sdk_app_id AND room_type = e.room_type AND room_id = e.room_id AND user_id = e.user_id";
const room = (t: string) => `sdk_app_id = ${t}.sdk_app_id AND room_type = ${t}.room_type AND room_id = ${t}.room_id`;

/**
 * A fold whose cost does not grow with history: each room and user keeps the latest times that
 * decide it (events/fold.ts), members become the users with a `since`, the log gets the indexes
 * a late event's probes use, retention records how far the log has been pruned, and rate slots
 * let several processes share one budget.
 */
function v3(): string[] {
  return [
    `CREATE TABLE presence (sdk_app_id BIGINT NOT NULL, room_type TEXT NOT NULL, room_id TEXT NOT NULL, user_id TEXT NOT NULL,
      enter_ms BIGINT, leave_ms BIGINT, role TEXT, role_ms BIGINT, role_rank INTEGER NOT NULL, since_ms BIGINT,
      PRIMARY KEY (sdk_app_id, room_type, room_id, user_id))`,
    `INSERT INTO presence (sdk_app_id, room_type, room_id, user_id, enter_ms, leave_ms, role, role_ms, role_rank, since_ms)
      SELECT e.sdk_app_id, e.room_type, e.room_id, e.user_id,
        MAX(CASE WHEN e.event_type = 103 THEN e.event_ms END), MAX(CASE WHEN e.event_type = 104 THEN e.event_ms END),
        (SELECT role FROM events WHERE ${user} AND event_type IN (103, 105) AND role IS NOT NULL ORDER BY event_ms DESC, event_type DESC LIMIT 1),
        MAX(CASE WHEN e.event_type IN (103, 105) AND e.role IS NOT NULL THEN e.event_ms END), 1,
        (SELECT since_ms FROM members WHERE ${user})
      FROM events e WHERE e.group_id = 1 AND e.user_id <> '' AND e.event_type IN (103, 104, 105)
      GROUP BY e.sdk_app_id, e.room_type, e.room_id, e.user_id`,
    "UPDATE presence SET role_rank = 2 WHERE role_ms IS NOT NULL AND (enter_ms IS NULL OR role_ms > enter_ms)",
    "DROP TABLE members",
    "CREATE VIEW members AS SELECT sdk_app_id, room_type, room_id, user_id, role, since_ms FROM presence WHERE since_ms IS NOT NULL",
    "ALTER TABLE rooms ADD COLUMN open_ms BIGINT",
    "ALTER TABLE rooms ADD COLUMN close_ms BIGINT",
    "ALTER TABLE rooms ADD COLUMN close_before_open_ms BIGINT",
    `UPDATE rooms SET open_ms = (SELECT MAX(event_ms) FROM events e WHERE ${room("rooms")} AND e.event_type IN (101, 103)),
      close_ms = (SELECT MAX(event_ms) FROM events e WHERE ${room("rooms")} AND e.event_type = 102)`,
    `UPDATE rooms SET close_before_open_ms = (SELECT MAX(event_ms) FROM events e WHERE ${room("rooms")} AND e.event_type = 102 AND e.event_ms < rooms.open_ms)`,
    "UPDATE events SET event_ms = received_ms WHERE event_ms IS NULL",
    // A 104's reason (3: kicked) is what proves a kick took effect; earlier rows keep it only in their body.
    "ALTER TABLE events ADD COLUMN reason INTEGER",
    "DROP INDEX events_room",
    "CREATE INDEX events_room_time ON events (sdk_app_id, room_type, room_id, event_type, event_ms)",
    "CREATE INDEX events_user_time ON events (sdk_app_id, room_type, room_id, user_id, event_type, event_ms)",
    "CREATE INDEX events_time ON events (sdk_app_id, event_ms)",
    "CREATE TABLE retention (sdk_app_id BIGINT PRIMARY KEY, pruned_before_ms BIGINT NOT NULL)",
    // Rate slots shared by every process on this store: TRTC's 20/s per (SdkAppId, action), counted together.
    "CREATE TABLE rate_slots (budget TEXT NOT NULL, slot INTEGER NOT NULL, free_at_ms BIGINT NOT NULL, PRIMARY KEY (budget, slot))",
  ];
}

/**
 * Pending `--forward` deliveries, written in the transaction that stores their event, so an acknowledged
 * event is never lost for forwarding. The body and headers are copied (not a reference into events) so
 * that pruning the event log cannot pull a body from under a delivery. Claimed by receiver `claimed_by` until `lease_ms`.
 */
function forwards(dialect: Db["dialect"]): string[] {
  const id = dialect === "postgres" ? "id BIGSERIAL PRIMARY KEY" : "id INTEGER PRIMARY KEY AUTOINCREMENT";
  const blob = dialect === "postgres" ? "BYTEA" : "BLOB";
  return [
    `CREATE TABLE IF NOT EXISTS forwards (${id}, target TEXT NOT NULL, headers TEXT NOT NULL, body ${blob} NOT NULL,
      arrived_ms BIGINT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_ms BIGINT NOT NULL, lease_ms BIGINT NOT NULL DEFAULT 0,
      claimed_by TEXT NOT NULL DEFAULT '')`,
    "CREATE INDEX IF NOT EXISTS forwards_due ON forwards (target, next_ms)",
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

/** Closed rooms by their latest event: retention forgets those whose life ended before its window (retention.ts). */
function closedRooms(): string[] {
  return ["CREATE INDEX IF NOT EXISTS rooms_closed ON rooms (sdk_app_id, last_ms) WHERE live = 0"];
}

/** Migration n takes a store from version n - 1 to n. */
const MIGRATIONS: ((dialect: Db["dialect"]) => string[])[] = [v1, v2, v3, forwards, coverage, closedRooms];

async function versionOf(q: Db["query"]): Promise<number> {
  const found = (await q("SELECT MAX(version) AS v FROM schema_version"))[0]?.v;
  return found === null || found === undefined ? 0 : Number(found);
}

function tooNew(version: number): ConfigError {
  return new ConfigError(`the inventory's schema is version ${version}, newer than this trtc-admin understands (${SCHEMA_VERSION})`, "upgrade trtc-admin");
}

/**
 * Creates or checks the schema; safe when several processes open a new database at once. Given
 * `missing`, a database holding no inventory yet (an empty file, a PostgreSQL schema without its
 * tables) is refused with it rather than given one.
 */
export async function migrate(db: Db, missing?: () => Error): Promise<void> {
  // A reader of an existing inventory takes no write lock: `rooms list` never waits for the receiver.
  const seen = await versionOf(db.query).catch(() => 0);
  if (seen > SCHEMA_VERSION) throw tooNew(seen);
  if (seen === SCHEMA_VERSION) return;
  if (seen === 0 && missing) throw missing();
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
