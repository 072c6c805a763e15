import type { RoomKey } from "../plan/types.js";
import type { Query, Row } from "./db.js";

const ROWS_PER_STATEMENT = 400;

/** "(?, ?), (?, ?)" for multi-row statements: one round trip for a whole batch. */
function placeholders(rows: unknown[][]): string {
  return rows.map((r) => `(${r.map(() => "?").join(", ")})`).join(", ");
}

/** Runs `sql(placeholders)` over the rows in chunks, concatenating what it returns. */
export async function multiRow(q: Query, rows: unknown[][], sql: (values: string) => string): Promise<Row[]> {
  const out: Row[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    out.push(...(await q(sql(placeholders(chunk)), chunk.flat())));
  }
  return out;
}

/** A room of one SdkAppId; its id is bound as text, as the tables keep it. */
export interface AppRoom extends RoomKey {
  sdkAppId: number;
}

/**
 * Runs `sql(condition)` for many rooms at once, where the condition picks those rooms (and, with
 * `users`, only those users in each): one statement per SdkAppId, room type and chunk, all index lookups.
 */
export async function perRooms(q: Query, rooms: AppRoom[], sql: (condition: string) => string, users?: (room: AppRoom) => string[]): Promise<Row[]> {
  const groups = new Map<string, AppRoom[]>();
  for (const r of rooms) {
    const k = `${r.sdkAppId}|${r.roomIdType}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const out: Row[] = [];
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i += ROWS_PER_STATEMENT) {
      const chunk = group.slice(i, i + ROWS_PER_STATEMENT).filter((r) => !users || users(r).length > 0);
      if (chunk.length === 0) continue;
      const args: unknown[] = [chunk[0]!.sdkAppId, chunk[0]!.roomIdType];
      let which: string;
      if (users) {
        // Row values (not an OR per room): one index probe per (room, user) pair in SQLite and PostgreSQL alike.
        which = `(room_id, user_id) IN (VALUES ${chunk.flatMap((r) => users(r).map((u) => (args.push(String(r.roomId), u), "(?, ?)"))).join(", ")})`;
      } else {
        which = `room_id IN (${chunk.map((r) => (args.push(String(r.roomId)), "?")).join(", ")})`;
      }
      out.push(...(await q(sql(`sdk_app_id = ? AND room_type = ? AND (${which})`), args)));
    }
  }
  return out;
}
