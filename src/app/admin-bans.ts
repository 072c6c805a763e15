/** The client's bans: the CLI's `ban --yes` and `unban`, over the core they share (app/ban.ts). */
import { UsageError } from "../errors.js";
import { checkArguments } from "../plan/plan.js";
import type { PlannedRequest, RoomKey } from "../plan/types.js";
import type { InventoryStore } from "../store/types.js";
import type { Setup } from "./admin.js";
import type { Admin, CallOptions } from "./admin-options.js";
import { optionalString } from "./admin-options.js";
import { type BanRoom, checkBanReason, MAX_BAN_MS, MIN_BAN_MS, planBanKicks, storeBans } from "./ban.js";
import type { Destination, Report } from "./send.js";
import { sendableRooms } from "./sendable.js";
import { userText } from "./targets.js";

/** What the bans need of the client. */
export interface BanClient {
  setup(): Promise<Setup>;
  inventory(mustExist: boolean): Promise<InventoryStore>;
  destination(): Promise<Destination>;
  send(planned: PlannedRequest[], call: CallOptions | undefined, to: Destination): Promise<Report>;
  roomKey(room: string | number): Promise<RoomKey>;
  usable(): void;
}

async function banTarget(client: BanClient, room: string | number | null, userIds: unknown): Promise<{ key: RoomKey | null; users: string[] }> {
  client.usable();
  if (!Array.isArray(userIds) || userIds.length === 0) throw new UsageError("no user ids given");
  const users = [...new Set(userIds.map((u, i) => userText(u, `userIds[${i}]`)))];
  const key = room === null ? null : await client.roomKey(room);
  // The CLI's checks of ban's arguments: those of kick, as a ban is a kick kept up.
  checkArguments("kick", key ? String(key.roomId) : undefined, users, key?.roomIdType);
  return { key, users };
}

export function banMethods(client: BanClient): Pick<Admin, "ban" | "unban"> {
  return {
    async ban(request, call) {
      if (typeof request !== "object" || request === null) throw new UsageError("invalid ban: expected { room, userIds, forMs }");
      const { key, users } = await banTarget(client, request.room, request.userIds);
      if (typeof request.forMs !== "number" || !(request.forMs >= MIN_BAN_MS && request.forMs <= MAX_BAN_MS))
        throw new UsageError(`invalid forMs ${String(request.forMs)}: a ban lasts from 10000 (10 s) to ${MAX_BAN_MS} (7 days)`);
      const reason = request.reason === undefined ? null : checkBanReason(optionalString(request.reason, "reason")!, "reason");
      const { sdkAppId } = await client.setup();
      const db = await client.inventory(key === null);
      // As the CLI's, rooms whose ids the API would refuse are skipped; a program gets no warning.
      const sendable = (found: BanRoom[]) =>
        sendableRooms(
          found,
          (f) => f.room,
          () => undefined,
        ).map(({ item }) => item);
      const requests = await planBanKicks(db, sdkAppId, key, users, sendable);
      // What would fail the kick fails before the bans are stored.
      const to = await client.destination();
      const bans = await storeBans(db, sdkAppId, key, users, reason, request.forMs);
      return { bans, report: await client.send(requests, call, to) };
    },
    async unban(room, userIds) {
      const { key, users } = await banTarget(client, room, userIds);
      return (await client.inventory(false)).endBans((await client.setup()).sdkAppId, key, users, Date.now());
    },
  };
}
