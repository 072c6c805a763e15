import { UsageError } from "../errors.js";
import { printWarning } from "../output/messages.js";
import type { Context } from "./context.js";

/** A warning names at most this many skipped ids, then counts the rest. */
const NAMED_AT_MOST = 10;

/**
 * Ids read from the inventory are input like any other: those the API would refuse (the receiver
 * stores whatever TRTC reported, room😀 included) are skipped with one warning, never sent, and
 * never block the valid ones.
 */
export function keepSendable<T, V>(
  ctx: Context,
  items: T[],
  parse: (item: T) => V,
  describe: (item: T) => string,
  what: { noun: string; id: string },
): { item: T; value: V }[] {
  const ok: { item: T; value: V }[] = [];
  const skipped: T[] = [];
  for (const item of items) {
    try {
      ok.push({ item, value: parse(item) });
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      skipped.push(item);
    }
  }
  if (skipped.length > 0) {
    const named = skipped.slice(0, NAMED_AT_MOST).map(describe);
    const more = skipped.length > NAMED_AT_MOST ? ` and ${skipped.length - NAMED_AT_MOST} more` : "";
    printWarning(
      ctx.term,
      `skipped ${skipped.length} ${what.noun}${skipped.length === 1 ? "" : "s"} whose ${what.id} the API would refuse: ${named.join(", ")}${more}`,
    );
  }
  return ok;
}
