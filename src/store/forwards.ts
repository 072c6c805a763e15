import type { AppendOutcome, ClaimedForward, ForwardClaim, ForwardQueue, ForwardSettled, IncomingEvent } from "../events/types.js";
import type { Db, Query } from "./db.js";
import { multiRow } from "./sql-batch.js";

/**
 * Queues a delivery per --forward target for each event this append newly stored: in the same
 * transaction, so an event that got its 200 is never lost for forwarding, and a duplicate (already
 * forwarded when it was first stored) is never forwarded again — two receivers forwarding to each
 * other stop after one round.
 */
export async function queueForwards(q: Query, events: IncomingEvent[], outcomes: AppendOutcome[], nowMs: number): Promise<void> {
  const rows = events.flatMap((e, i) =>
    outcomes[i] === "stored" && e.source === "trtc" && e.forward
      ? e.forward.targets.map((target) => [target, JSON.stringify(e.forward!.headers), e.raw, nowMs, nowMs])
      : [],
  );
  if (rows.length > 0) await multiRow(q, rows, (values) => `INSERT INTO forwards (target, headers, body, arrived_ms, next_ms) VALUES ${values}`);
}

const list = (values: unknown[]) => values.map(() => "?").join(", ");
/** libsql returns a BLOB as an ArrayBuffer, pg a BYTEA as a Buffer. */
const bytes = (v: unknown) => Buffer.from(v instanceof ArrayBuffer ? new Uint8Array(v) : (v as Uint8Array));

/** The pending deliveries over any Db. Writes go through db.tx: the embedded store has one writer at a time. */
export class SqlForwardQueue implements ForwardQueue {
  constructor(private readonly db: Db) {}

  settleAndClaim(outcomes: ForwardSettled[], claim: ForwardClaim): Promise<ClaimedForward[]> {
    if (outcomes.length === 0 && claim.limit <= 0) return Promise.resolve([]);
    return this.db.tx(async (q) => {
      const gone = outcomes.filter((o) => o.gone).map((o) => o.id);
      for (let i = 0; i < gone.length; i += 400) {
        const chunk = gone.slice(i, i + 400);
        await q(`DELETE FROM forwards WHERE id IN (${list(chunk)})`, chunk);
      }
      for (const o of outcomes) if (!o.gone) await q("UPDATE forwards SET next_ms = ?, lease_ms = 0 WHERE id = ?", [o.nextMs, o.id]);
      return claim.limit > 0 ? this.claim(q, claim) : [];
    });
  }

  /**
   * Several receivers on one PostgreSQL store: SKIP LOCKED hands each row to one of them; the lease keeps
   * it theirs while they try, and gives it to another (or to the same one restarted) if they die trying.
   */
  private async claim(q: Query, { owner, targets, nowMs, limit, leaseMs }: ForwardClaim): Promise<ClaimedForward[]> {
    const skipLocked = this.db.dialect === "postgres" ? "FOR UPDATE SKIP LOCKED" : "";
    const rows = await q(
      `UPDATE forwards SET claimed_by = ?, lease_ms = ?, attempts = attempts + 1 WHERE id IN (SELECT id FROM forwards
        WHERE target IN (${list(targets)}) AND next_ms <= ? AND lease_ms <= ? ORDER BY next_ms LIMIT ? ${skipLocked})
        RETURNING id, target, headers, body, arrived_ms, attempts`,
      [owner, nowMs + leaseMs, ...targets, nowMs, nowMs, limit],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      target: String(row.target),
      headers: JSON.parse(String(row.headers)) as Record<string, string>,
      body: bytes(row.body),
      arrivedMs: Number(row.arrived_ms),
      attempts: Number(row.attempts),
    }));
  }

  async release(owner: string): Promise<void> {
    await this.db.tx((q) => q("UPDATE forwards SET lease_ms = 0 WHERE claimed_by = ? AND lease_ms > 0", [owner]));
  }

  async count(targets: string[]): Promise<number> {
    const rows = await this.db.query(`SELECT COUNT(*) AS n FROM forwards WHERE target IN (${list(targets)})`, targets);
    return Number(rows[0]?.n ?? 0);
  }

  dropExpired(exceptTargets: string[], beforeMs: number): Promise<number> {
    const except = exceptTargets.length > 0 ? `AND target NOT IN (${list(exceptTargets)})` : "";
    return this.db.tx(async (q) => (await q(`DELETE FROM forwards WHERE arrived_ms < ? ${except} RETURNING id`, [beforeMs, ...exceptTargets])).length);
  }
}
