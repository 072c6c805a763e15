import { callbackBody, eventInfo, eventType, isCallbackKey, RoomClock, roomKey, signCallback } from "./callback-body.js";
import { postCallback } from "./callback-post.js";
import { type EmulatorClock, REAL_CLOCK } from "./clock.js";
import type { CallbackFaultKind, FaultTable } from "./faults.js";
import type { RoomChange } from "./room-types.js";

export interface CallbackRetry {
  /** How long one attempt may take before it counts as failed. */
  timeoutMs: number;
  /** After the immediate retry, attempts every this often, counted from the first. */
  retryEveryMs: number;
  /** No attempt starts this long after the first. */
  giveUpMs: number;
}

/** TRTC's policy: 5 s per attempt, one immediate retry, then every 10 s, given up a minute after the first attempt. */
export const TRTC_CALLBACK_RETRY: Readonly<CallbackRetry> = Object.freeze({ timeoutMs: 5_000, retryEveryMs: 10_000, giveUpMs: 60_000 });

export interface CallbackConfig {
  url: string;
  key: string;
  retry: CallbackRetry;
}

/** One delivery as GET /_emulator/callbacks lists it. */
export interface CallbackRecord {
  id: number;
  eventType: number;
  sdkAppId: number;
  roomId: number | string;
  userId?: string;
  eventMsTs: number;
  fault?: CallbackFaultKind;
  attempts: number;
  outcome: "pending" | "delivered" | "gave-up" | "dropped";
  /** Why the latest attempt failed. */
  lastError?: string;
}

const MAX_LOG = 100_000;
const LOG_TRIM = 10_000;

interface Delivery {
  record: CallbackRecord;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

/** Sends every room change to the callback URL as TRTC would: signed, queued per room, retried, subject to callback faults. */
export class CallbackSender {
  readonly log: CallbackRecord[] = [];
  private readonly clock = new RoomClock();
  private queues = new Map<string, Promise<void>>();
  private abort = new AbortController();
  private nextId = 1;

  constructor(
    private readonly config: CallbackConfig,
    private readonly faults: FaultTable,
    private readonly time: EmulatorClock = REAL_CLOCK,
  ) {}

  send(change: RoomChange): void {
    const type = eventType(change);
    const eventMsTs = this.clock.next(change.room);
    const taken = this.faults.takeCallback(type, change.room.roomId);
    const fault = taken?.kind as CallbackFaultKind | undefined;
    // A duplicate and every retry carry the same bytes, as a receiver that dedupes expects.
    const body = callbackBody(type, eventInfo(change, eventMsTs), Math.max(Date.now(), eventMsTs));
    const sign = signCallback(fault === "bad-signature" ? `${this.config.key}-not-the-key` : this.config.key, body);
    const headers = { "Content-Type": "application/json", Sign: sign, SdkAppId: String(change.room.sdkAppId) };
    const delivery = (): Delivery => {
      const record: CallbackRecord = {
        id: this.nextId++,
        eventType: type,
        sdkAppId: change.room.sdkAppId,
        roomId: change.room.roomId,
        eventMsTs,
        attempts: 0,
        outcome: "pending",
      };
      if (change.type !== "closed") record.userId = change.userId;
      if (fault) record.fault = fault;
      this.log.push(record);
      if (this.log.length > MAX_LOG + LOG_TRIM) this.log.splice(0, LOG_TRIM);
      return { record, headers, body, signal: this.abort.signal };
    };
    if (fault === "drop") delivery().record.outcome = "dropped";
    else if (fault === "delay") {
      // Outside the room's queue, so later events of the room may arrive first.
      const late = delivery();
      void this.time.sleep(taken!.ms ?? 0, late.signal).then((ok) => (ok ? this.deliver(late) : undefined));
    } else {
      this.enqueue(roomKey(change.room), delivery());
      if (fault === "duplicate") this.enqueue(roomKey(change.room), delivery());
    }
  }

  /** Stops every pending delivery and retry, and forgets them (reset, close). */
  reset(): void {
    this.log.length = 0;
    this.abort.abort();
    this.abort = new AbortController();
    this.queues.clear();
  }

  private enqueue(queue: string, delivery: Delivery): void {
    const next = (this.queues.get(queue) ?? Promise.resolve()).then(() => this.deliver(delivery));
    this.queues.set(queue, next);
    void next.then(() => this.queues.get(queue) === next && this.queues.delete(queue));
  }

  /** The first attempt holds the room's queue; retries run beside later events, as TRTC's may. */
  private async deliver(delivery: Delivery): Promise<void> {
    const first = this.time.now();
    if (await this.attempt(delivery)) return;
    void this.retry(delivery, first);
  }

  private async retry(delivery: Delivery, first: number): Promise<void> {
    const { retryEveryMs, giveUpMs } = this.config.retry;
    if (await this.attempt(delivery)) return;
    for (let at = first + retryEveryMs; at < first + giveUpMs; at += retryEveryMs) {
      if (!(await this.time.sleep(at - this.time.now(), delivery.signal))) return;
      if (await this.attempt(delivery)) return;
    }
    if (!delivery.signal.aborted) delivery.record.outcome = "gave-up";
  }

  private async attempt({ record, headers, body, signal }: Delivery): Promise<boolean> {
    if (signal.aborted) return false;
    record.attempts++;
    const result = await postCallback(this.config.url, headers, body, this.config.retry.timeoutMs, signal);
    if (result.ok) {
      record.outcome = "delivered";
      delete record.lastError;
    } else record.lastError = result.error;
    return result.ok;
  }
}

/** The sender for --callback-url/--callback-key; its errors never include the key. */
export function callbackSender(
  url: string | undefined,
  key: string | undefined,
  retry: Partial<CallbackRetry> | undefined,
  faults: FaultTable,
  clock?: EmulatorClock,
): CallbackSender | undefined {
  if (url === undefined && key === undefined) return undefined;
  if (url === undefined || key === undefined) throw new Error("callbacks need both a callback URL and a callback key");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("the callback URL is not a valid URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("the callback URL must be http:// or https://");
  if (parsed.username || parsed.password) throw new Error("the callback URL must not carry user:password@");
  if (!isCallbackKey(key)) throw new Error("the callback key must be 1..32 letters and digits, as the TRTC console accepts");
  return new CallbackSender({ url, key, retry: { ...TRTC_CALLBACK_RETRY, ...retry } }, faults, clock);
}
