import { loadCredential } from "../config/credentials.js";
import type { Settings } from "../config/resolve.js";
import { GroupCommit } from "../events/group-commit.js";
import type { IncomingEvent } from "../events/types.js";
import { actionFor, type EnforcedResult, roomKeyOf } from "../plan/types.js";
import type { Enforcer, EnforcerStats } from "../run/enforcer.js";
import type { Ban, InventoryStore } from "../store/types.js";
import { redactUrl } from "../store/url.js";
import { AuditLog } from "./audit.js";
import { destinationOf, sendSettings } from "./execute.js";
import type { Debug } from "./ports.js";
import type { Session } from "./session.js";

/** A kick sent for a ban, reported and audited with its cause. */
/** What enforcement tells its caller: kicks as they finish, and what went wrong without stopping it. */
export interface EnforcementPorts {
  enforced(result: EnforcedResult, at: Date): void;
  warn(message: string): void;
  debug?: Debug;
}

export interface BanEnforcement {
  /** An event just stored durably (never a duplicate): a banned user's 103 is kicked at once. */
  stored(event: IncomingEvent): void;
  /**
   * Finishes the lookups and the kicks on the wire. `drop` (a shutdown): kicks not yet sent are dropped,
   * with a warning saying how many; otherwise (the input ended) they are all sent first.
   */
  close(drop: boolean): Promise<void>;
  /** Kicks by status, over every engine this enforcement started. */
  stats(): EnforcerStats;
}

interface Engine {
  enforcer: Enforcer;
  audit: AuditLog | undefined;
}

const why = (err: unknown) => {
  const e = err as Error & { hint?: string };
  return redactUrl(`${e.message ?? String(err)}${e.hint ? ` (${e.hint})` : ""}`);
};

const queryOf = (e: IncomingEvent) => ({
  sdkAppId: e.sdkAppId,
  room: roomKeyOf(e.event.room!),
  userId: e.event.room!.userId,
});

/**
 * Ban enforcement beside `events serve`/`ingest`. Credentials and the audit log are opened on the
 * first kick, so a receiver with no bans needs neither; a failure is reported and retried on the next.
 */
export function startBanEnforcement(
  session: Session,
  settings: Settings,
  store: InventoryStore,
  ports: EnforcementPorts,
  now: () => number = Date.now,
): BanEnforcement {
  const { io } = session;
  const { warn } = ports;
  // 103s stored while a lookup runs are looked up together: a query per batch, not per 103, keeps the receiver's throughput.
  const lookups = new GroupCommit<IncomingEvent, Ban | undefined>((events) => store.activeBansFor(events.map(queryOf), now()));
  const pending = new Set<Promise<void>>();
  const engines: Promise<Engine>[] = [];
  const started: Engine[] = [];
  let current: Promise<Engine> | undefined;
  let closing: Promise<void> | undefined;
  // Banned entries whose lookup finished after the shutdown began.
  let droppedAtClose = 0;
  let dropping = false;

  async function start(): Promise<Engine> {
    const credential = await loadCredential(settings, io.env, io.signal);
    // A failed audit write stops this engine's sends (fail closed); the next banned entry starts a new one.
    const stop = new AbortController();
    const onAuditFailure = (err: Error) => {
      warn(
        `ban enforcement: cannot write the audit log ${settings.auditLog}: ${(err as NodeJS.ErrnoException).code ?? err.message}; kicks paused until the next banned entry`,
      );
      stop.abort();
      current = undefined;
    };
    const audit = settings.auditLog ? await AuditLog.open(settings.auditLog, settings.profile, onAuditFailure) : undefined;
    const { startEnforcer } = await import("../run/enforcer.js");
    // Not the interrupt signal: a kick queued for an answered 103 is still sent during shutdown.
    const send = sendSettings(destinationOf(session, settings, credential), session.run, true, stop.signal, ports.debug);
    const enforcer = startEnforcer(send, (result) => {
      const enforced: EnforcedResult = { ...result, cause: "ban-enforced" };
      audit?.record(enforced);
      ports.enforced(enforced, new Date(now()));
    });
    const engine = { enforcer, audit };
    started.push(engine);
    return engine;
  }

  function engine(): Promise<Engine> {
    if (!current) {
      const starting = start();
      engines.push(starting);
      current = starting.catch((err: unknown) => {
        current = undefined;
        warn(`ban enforcement cannot kick: ${why(err)}; events are still stored, and the next banned entry tries again`);
        throw err;
      });
    }
    return current;
  }

  function stats(): EnforcerStats {
    const total: EnforcerStats = { done: 0, alreadyGone: 0, failed: 0, coalesced: 0, dropped: droppedAtClose, pending: 0 };
    for (const { enforcer } of started) for (const [k, n] of Object.entries(enforcer.stats())) total[k as keyof EnforcerStats] += n;
    return total;
  }

  async function kick(incoming: IncomingEvent): Promise<void> {
    const r = incoming.event.room!;
    if (dropping) {
      droppedAtClose++;
      return;
    }
    const ready = await engine().catch(() => undefined);
    ready?.enforcer.enforce({
      action: actionFor("kick", r.roomIdType),
      sdkAppId: incoming.sdkAppId,
      room: roomKeyOf(r),
      userIds: [r.userId],
    });
  }

  return {
    stored(incoming) {
      const r = incoming.event.room;
      if (r?.type !== 103 || r.userId === "") return;
      const done: Promise<void> = lookups
        .submit(incoming)
        .then((ban) => (ban ? kick(incoming) : undefined))
        .catch((err: unknown) => warn(`ban check for ${r.userId} failed: ${why(err)}`))
        .finally(() => pending.delete(done));
      pending.add(done);
    },
    // Once: the commands close it before their last output and again on their way out.
    close(drop) {
      closing ??= (async () => {
        dropping = drop;
        while (pending.size > 0) await Promise.all([...pending]);
        for (const starting of engines) {
          const ready = await starting.catch(() => undefined);
          await ready?.enforcer.close(drop);
          await ready?.audit?.close().catch(() => undefined);
        }
        const { dropped } = stats();
        if (dropped > 0) warn(`ban enforcement: ${dropped} kick${dropped === 1 ? "" : "s"} not sent, dropped at shutdown`);
      })();
      return closing;
    },
    stats,
  };
}
