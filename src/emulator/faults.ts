/** Faults injected through the control API to exercise a client's error handling. */

export type FaultKind = "error" | "http" | "latency" | "hang" | "reset" | "malformed" | "lose-response";
export const FAULT_KINDS: FaultKind[] = ["error", "http", "latency", "hang", "reset", "malformed", "lose-response"];

export interface FaultSpec {
  kind: FaultKind;
  /** Only requests for this action / room (compared as sent: 123 and "123" differ). */
  action?: string;
  roomId?: number | string;
  /** How many matching requests it affects; 0 = every one until cleared. */
  times?: number;
  /** error: the API error code and message. */
  code?: string;
  message?: string;
  /** http: the status to answer with. */
  status?: number;
  /** latency: delay before handling. */
  ms?: number;
}

export interface Fault extends FaultSpec {
  id: number;
  remaining: number;
  hits: number;
}

export class FaultTable {
  private faults: Fault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): Fault {
    const times = spec.times ?? 1;
    const fault: Fault = { ...spec, times, id: this.nextId++, remaining: times === 0 ? Infinity : times, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults;
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault matching this request, consumed once. */
  take(action: string, roomId: unknown): Fault | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && (f.action === undefined || f.action === action) && (f.roomId === undefined || f.roomId === roomId));
    if (!fault) return undefined;
    fault.remaining--;
    fault.hits++;
    return fault;
  }
}

export function validateFault(body: unknown): FaultSpec {
  const spec = body as FaultSpec;
  if (!spec || !FAULT_KINDS.includes(spec.kind)) throw new Error(`kind must be one of ${FAULT_KINDS.join(", ")}`);
  if (spec.kind === "error" && typeof spec.code !== "string") throw new Error("an error fault needs code");
  if (spec.kind === "http" && !(Number.isInteger(spec.status) && spec.status! >= 100 && spec.status! <= 599)) throw new Error("an http fault needs status 100..599");
  if (spec.kind === "latency" && !(typeof spec.ms === "number" && spec.ms >= 0)) throw new Error("a latency fault needs ms");
  if (spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times >= 0)) throw new Error("times must be a non-negative integer");
  return spec;
}
