import { LocalBudget, type RateBudget } from "./budget.js";
import { SharedBudget, type SlotLedger } from "./shared-budget.js";

/** The rate budget of each (SdkAppId, action). */
export interface Budgets {
  of(sdkAppId: number, action: string): RateBudget;
  /** Resolves once every slot given back so far is recorded. */
  settled(): Promise<void>;
}

function registry(make: (key: string) => RateBudget, cache = new Map<string, RateBudget>(), prefix = ""): Budgets {
  return {
    of(sdkAppId, action) {
      const key = `${prefix}${sdkAppId}/${action}`;
      return cache.get(key) ?? cache.set(key, make(key.slice(prefix.length))).get(key)!;
    },
    settled: async () => void (await Promise.all([...cache.values()].map((b) => b.settled()))),
  };
}

/** Budgets of one run only. */
export function runBudgets(): Budgets {
  return registry(() => new LocalBudget());
}

const perProcess = new Map<string, RateBudget>();

/** Budgets shared by every run and library call of this process that sends to `endpoint`. */
export function processBudgets(endpoint: string): Budgets {
  return registry(() => new LocalBudget(), perProcess, `${endpoint} `);
}

const perLedger = new WeakMap<SlotLedger, Map<string, RateBudget>>();

/**
 * Budgets shared by every process using the same store (CLI runs, receivers' ban enforcement,
 * library clients), through its ledger of slots; within the process, one budget per key.
 */
export function sharedBudgets(ledger: SlotLedger, leaseMs: number): Budgets {
  const cache = perLedger.get(ledger) ?? perLedger.set(ledger, new Map()).get(ledger)!;
  return registry((key) => new SharedBudget(ledger, key, leaseMs), cache);
}
