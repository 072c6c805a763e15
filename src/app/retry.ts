import { requireSdkAppId, type Settings } from "../config/resolve.js";
import { openResults, retryRequests } from "../plan/retry.js";
import { type Prepared, preparedOver, type RoomOperation, walkPlanned } from "./prepare.js";
import type { InventoryOpener } from "./run-inventory.js";
import type { Session } from "./session.js";

/** --retry-from: the failed and not-started requests of an earlier run, every Result checked before anything is sent. */
export async function prepareRetry(session: Session, op: RoomOperation, settings: Settings, inventory: InventoryOpener): Promise<Prepared> {
  const { io } = session;
  const path = op.retryFrom!;
  const label = path === "-" ? "stdin" : path;
  const source = await openResults(path, () => io.stdin, io.signal, io.env.TMPDIR || undefined, io.atExit);
  try {
    const target = { kind: op.kind, unmute: op.isMute === 0 };
    const own = settings.sdkAppId !== undefined && { sdkAppId: settings.sdkAppId };
    const { total, preview } = await walkPlanned(retryRequests(source, label, { ...target, ...own }), io.signal);
    const sdkAppId = requireSdkAppId(settings);
    return preparedOver(source, inventory, { settings, sdkAppId, total, preview, requests: () => retryRequests(source, label, { ...target, sdkAppId }) });
  } catch (err) {
    await source.close();
    throw err;
  }
}
