import { type Result, roomKeyOf } from "../plan/types.js";

/** What proves a done request took effect: a 104 with Reason 3 for a kicked user, a 102 for a dismissed room. */
export interface Effect {
  roomIdType: Result["roomIdType"];
  roomId: number | string;
  /** A kicked user; absent for a dismissal. */
  userId?: string;
}

/** The inventory's view of effects (the store provides it): which of these TRTC reported at or after `sinceMs`. */
export interface EffectLog {
  effectsSeen(sdkAppId: number, effects: Effect[], sinceMs: number): Promise<boolean[]>;
}

export interface VerifierOptions {
  log: EffectLog;
  /** TRTC's clock and ours differ: effects from a little before the run are accepted. */
  sinceMs: number;
  waitMs: number;
  /** Every pending effect is looked for in one read per interval: a few queries a second at most. */
  pollMs?: number;
  now?: () => number;
  /** A failed read is retried at the next interval; the wait still ends at its deadline. */
  onError?: (err: unknown) => void;
  /** An interrupt ends every wait at once: what is not yet seen is not verified. */
  signal?: AbortSignal;
}

interface Pending {
  result: Result;
  effects: Effect[];
  seen: boolean[];
  deadline: number;
  resolve: (result: Result) => void;
}

const KICKS = new Set(["RemoveUser", "RemoveUserByStrRoomId"]);
const DISMISSALS = new Set(["DismissRoom", "DismissRoomByStrRoomId"]);

/** `--wait`: holds each done kick or dismissal until the inventory shows its effect, or its time runs out. */
export class Verifier {
  private readonly pending = new Set<Pending>();
  private running: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: VerifierOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Whether `--wait` applies: only done kicks and dismissals have an effect TRTC reports. */
  static applies(result: Result): boolean {
    return result.status === "done" && (KICKS.has(result.action) || DISMISSALS.has(result.action));
  }

  /** The result with `verified` set, once its effect is seen or `waitMs` has passed. */
  verify(result: Result): Promise<Result> {
    const room = roomKeyOf(result);
    const effects = KICKS.has(result.action) ? (result.userIds ?? []).map((userId) => ({ ...room, userId })) : [room];
    return new Promise((resolve) => {
      this.pending.add({ result, effects, seen: effects.map(() => false), deadline: this.now() + this.options.waitMs, resolve });
      this.running ??= this.poll().finally(() => (this.running = undefined));
    });
  }

  /** Resolves once every result given so far is verified or timed out. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private pause(ms: number): Promise<void> {
    const signal = this.options.signal;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  private async poll(): Promise<void> {
    const every = this.options.pollMs ?? 500;
    while (this.pending.size > 0) {
      const open = [...this.pending];
      const wanted = open.flatMap((p) => p.effects.filter((_, i) => !p.seen[i]).map((effect) => ({ p, effect })));
      try {
        const seen = await this.options.log.effectsSeen(
          open[0]!.result.sdkAppId,
          wanted.map((w) => w.effect),
          this.options.sinceMs,
        );
        wanted.forEach(({ p, effect }, i) => {
          if (seen[i]) p.seen[p.effects.indexOf(effect)] = true;
        });
      } catch (err) {
        this.options.onError?.(err);
      }
      const now = this.now();
      const stopped = Boolean(this.options.signal?.aborted);
      for (const p of open) {
        const verified = p.seen.every(Boolean);
        if (!verified && now < p.deadline && !stopped) continue;
        this.pending.delete(p);
        p.resolve({ ...p.result, verified });
      }
      if (this.pending.size > 0) await this.pause(every);
    }
  }
}
