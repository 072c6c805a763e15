import { openLibsql } from "../../src/store/libsql.js";
import { openPostgres } from "../../src/store/postgres.js";
import { isPostgresUrl } from "../../src/store/url.js";

/** Version 1 of the schema as trtc-admin 0.1 created it: the starting point of every upgrade. */
function v1(postgres: boolean): string[] {
  const id = postgres ? "id BIGSERIAL PRIMARY KEY" : "id INTEGER PRIMARY KEY AUTOINCREMENT";
  return [
    `CREATE TABLE events (${id}, sdk_app_id BIGINT NOT NULL, dedupe_key TEXT NOT NULL, group_id INTEGER NOT NULL,
      event_type INTEGER NOT NULL, room_type TEXT, room_id TEXT, user_id TEXT NOT NULL DEFAULT '', event_ms BIGINT, role TEXT,
      source TEXT NOT NULL, body ${postgres ? "BYTEA" : "BLOB"} NOT NULL, received_ms BIGINT NOT NULL)`,
    "CREATE UNIQUE INDEX events_dedupe ON events (sdk_app_id, dedupe_key)",
    "CREATE INDEX events_room ON events (sdk_app_id, room_type, room_id)",
    `CREATE TABLE rooms (sdk_app_id BIGINT NOT NULL, room_type TEXT NOT NULL, room_id TEXT NOT NULL,
      live INTEGER NOT NULL, created_ms BIGINT, last_ms BIGINT NOT NULL, last_rank INTEGER NOT NULL, closed_ms BIGINT,
      member_count INTEGER NOT NULL, PRIMARY KEY (sdk_app_id, room_type, room_id))`,
    "CREATE INDEX rooms_live ON rooms (sdk_app_id, live)",
    `CREATE TABLE members (sdk_app_id BIGINT NOT NULL, room_type TEXT NOT NULL, room_id TEXT NOT NULL,
      user_id TEXT NOT NULL, role TEXT NOT NULL, since_ms BIGINT NOT NULL, PRIMARY KEY (sdk_app_id, room_type, room_id, user_id))`,
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    "INSERT INTO schema_version (version) VALUES (1)",
  ];
}

/** Writes a version-1 store and the rows that version wrote for `statements` (raw INSERTs over its tables). */
export async function legacyStore(url: string, statements: [string, unknown[]][]): Promise<void> {
  const db = isPostgresUrl(url) ? await openPostgres(url) : await openLibsql(url);
  try {
    for (const sql of v1(db.dialect === "postgres")) await db.query(sql);
    for (const [sql, args] of statements) await db.query(sql, args);
  } finally {
    await db.close();
  }
}
