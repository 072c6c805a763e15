import { type Db, num } from "./db.js";

/**
 * The ledger of rate slots several processes share: slot rows 0..rate-1 of a budget, each free
 * from `free_at_ms`. A claim takes the lowest free one in a write transaction (PostgreSQL skips
 * rows another claim holds), so two processes never hold one slot.
 */
export async function claimRateSlot(
  db: Db,
  budget: string,
  rate: number,
  nowMs: number,
  leaseUntilMs: number,
): Promise<{ slot: number } | { retryAtMs: number }> {
  const skipLocked = db.dialect === "postgres" ? " FOR UPDATE SKIP LOCKED" : "";
  return db.tx(async (q) => {
    const free = await q(`SELECT slot FROM rate_slots WHERE budget = ? AND slot < ? AND free_at_ms <= ? ORDER BY slot LIMIT 1${skipLocked}`, [
      budget,
      rate,
      nowMs,
    ]);
    const slot = free[0] === undefined ? undefined : num(free[0].slot);
    if (slot === undefined) {
      // A slot number never used yet below this caller's rate.
      const used = await q("SELECT COUNT(*) AS n FROM rate_slots WHERE budget = ? AND slot < ?", [budget, rate]);
      if (num(used[0]?.n) < rate) {
        const taken = await q(
          `INSERT INTO rate_slots (budget, slot, free_at_ms) SELECT ?, COALESCE(MAX(slot) + 1, 0), ? FROM rate_slots WHERE budget = ? AND slot < ?
           ON CONFLICT (budget, slot) DO NOTHING RETURNING slot`,
          [budget, leaseUntilMs, budget, rate],
        );
        if (taken[0] !== undefined) return { slot: num(taken[0].slot) };
      }
      const next = await q("SELECT MIN(free_at_ms) AS t FROM rate_slots WHERE budget = ? AND slot < ?", [budget, rate]);
      return { retryAtMs: Math.max(nowMs + 1, num(next[0]?.t ?? nowMs + 1)) };
    }
    await q("UPDATE rate_slots SET free_at_ms = ? WHERE budget = ? AND slot = ?", [leaseUntilMs, budget, slot]);
    return { slot };
  });
}

export async function freeRateSlot(db: Db, budget: string, slot: number, freeAtMs: number): Promise<void> {
  await db.tx((q) => q("UPDATE rate_slots SET free_at_ms = ? WHERE budget = ? AND slot = ?", [freeAtMs, budget, slot]));
}
