/** Faults injected through the control API: on API requests (to exercise a client's error handling) or on callbacks (a receiver's). */

export type ApiFaultKind = "error" | "http" | "latency" | "hang" | "reset" | "malformed" | "lose-response";
export type CallbackFaultKind = "drop" | "duplicate" | "delay" | "bad-signature";
export type FaultKind = ApiFaultKind | CallbackFaultKind;
export type FaultTarget = "api" | "callback";
export const FAULT_KINDS: Record<FaultTarget, readonly FaultKind[]> = {
  api: ["error", "http", "latency", "hang", "reset", "malformed", "lose-response"],
  callback: ["drop", "duplicate", "delay", "bad-signature"],
};

export interface FaultSpec {
  /** What the fault affects; "api" when absent. */
  target?: FaultTarget;
  kind: FaultKind;
  /** api: only requests for this action. */
  action?: string;
  /** callback: only callbacks of this EventType. */
  eventType?: number;
  /** Only this room (compared as sent: 123 and "123" differ). */
  roomId?: number | string;
  /** How many matching requests or callbacks it affects; 0 = every one until cleared. */
  times?: number;
  /** error: the API error code and message. */
  code?: string;
  message?: string;
  /** http: the status to answer with. */
  status?: number;
  /** api latency, callback delay: how long. */
  ms?: number;
}

export interface Fault extends FaultSpec {
  target: FaultTarget;
  id: number;
  remaining: number;
  hits: number;
}

export class FaultTable {
  private faults: Fault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): Fault {
    const times = spec.times ?? 1;
    const fault: Fault = { target: "api", ...spec, times, id: this.nextId++, remaining: times === 0 ? Infinity : times, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults;
  }

  clear(): void {
    this.faults = [];
  }

  /** The first API fault matching this request, consumed once. */
  take(action: string, roomId: unknown): Fault | undefined {
    return this.consume((f) => f.target === "api" && (f.action === undefined || f.action === action) && (f.roomId === undefined || f.roomId === roomId));
  }

  /** The first callback fault matching this event, consumed once. */
  takeCallback(eventType: number, roomId: number | string): Fault | undefined {
    return this.consume(
      (f) => f.target === "callback" && (f.eventType === undefined || f.eventType === eventType) && (f.roomId === undefined || f.roomId === roomId),
    );
  }

  private consume(matches: (fault: Fault) => boolean): Fault | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && matches(f));
    if (!fault) return undefined;
    fault.remaining--;
    fault.hits++;
    return fault;
  }
}
