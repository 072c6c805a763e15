import { requireSdkAppId, type Settings } from "../config/resolve.js";
import { openResults, retryRequests } from "../plan/retry.js";
import type { PlannedRequest } from "../plan/types.js";
import { PREVIEW_SIZE, type Prepared, type RoomOperation } from "./prepare.js";
import type { InventoryOpener } from "./run-inventory.js";
import { type Session, throwIfInterrupted } from "./session.js";

/** --retry-from: the failed and not-started requests of an earlier run, every Result checked before anything is sent. */
export async function prepareRetry(session: Session, op: RoomOperation, settings: Settings, inventory: InventoryOpener): Promise<Prepared> {
  const { io } = session;
  const path = op.retryFrom!;
  const label = path === "-" ? "stdin" : path;
  const source = await openResults(path, io.stdin, io.signal, io.env.TMPDIR || undefined, io.atExit);
  try {
    const target = { kind: op.kind, unmute: op.isMute === 0 };
    let total = 0;
    const preview: PlannedRequest[] = [];
    for await (const request of retryRequests(source, label, { ...target, ...(settings.sdkAppId !== undefined && { sdkAppId: settings.sdkAppId }) })) {
      if (total++ < PREVIEW_SIZE) preview.push(request);
      if (total % 1024 === 0) throwIfInterrupted(io.signal);
    }
    const sdkAppId = requireSdkAppId(settings);
    return {
      settings,
      sdkAppId,
      total,
      preview,
      requests: () => retryRequests(source, label, { ...target, sdkAppId }),
      ...inventory.stores,
      async close() {
        await source.close();
        await inventory.close();
      },
    };
  } catch (err) {
    await source.close();
    throw err;
  }
}
