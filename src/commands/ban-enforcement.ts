import { type BanEnforcement, startBanEnforcement as start } from "../app/enforcement.js";
import type { Settings } from "../config/resolve.js";
import { printEnforced } from "../output/bans.js";
import { printWarning } from "../output/messages.js";
import type { InventoryStore } from "../store/types.js";
import type { Context } from "./context.js";
import { debugOf } from "./ports.js";

/** Ban enforcement beside `events serve`/`ingest` (app/enforcement.ts), its kicks and warnings printed. */
export function startBanEnforcement(ctx: Context, settings: Settings, store: InventoryStore, now: () => number = Date.now): BanEnforcement {
  const ports = {
    enforced: (result: Parameters<typeof printEnforced>[2], at: Date) => printEnforced(ctx.term, ctx.run.format, result, at),
    warn: (message: string) => printWarning(ctx.term, message),
    ...debugOf(ctx),
  };
  return start(ctx, settings, store, ports, now);
}
