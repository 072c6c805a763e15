import { ConfigError } from "../errors.js";
import type { Db } from "./db.js";
import { migrate } from "./schema.js";
import { SqlInventory } from "./sql-inventory.js";
import type { InventoryStore } from "./types.js";
import { isPostgresUrl, redactFor, urlLabel } from "./url.js";

/**
 * Opens the inventory at a `file:` or `postgres://` URL; drivers load only now. It is created on
 * first use, unless `missing` is given: then a database without its tables is refused with it.
 */
export async function openStore(url: string, missing?: () => ConfigError): Promise<InventoryStore> {
  const label = urlLabel(url);
  let db: Db | undefined;
  try {
    db = isPostgresUrl(url) ? await (await import("./postgres.js")).openPostgres(url) : await (await import("./libsql.js")).openLibsql(url);
    await migrate(db, missing);
    return new SqlInventory(db, label);
  } catch (err) {
    await db?.close().catch(() => undefined);
    if (err instanceof ConfigError) throw err;
    const why = redactFor(url, (err as Error).message ?? String(err));
    throw new ConfigError(
      `cannot open the inventory ${label}: ${why}`,
      "check --inventory, TRTC_INVENTORY or the profile's inventory, and that the database is reachable",
    );
  }
}
