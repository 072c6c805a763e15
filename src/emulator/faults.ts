import { ACTIONS } from "./api.js";

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

const FAULT_KEYS = ["kind", "action", "roomId", "times", "code", "message", "status", "ms"];
/** setTimeout's limit: a longer delay would fire at once. */
export const MAX_DELAY_MS = 2_147_483_647;

/** A fault from the control API: every key known and of its own type, so a typo cannot make a fault that silently never matches. */
export function validateFault(body: unknown): FaultSpec {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new Error("a fault must be a JSON object");
  const raw = body as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((key) => !FAULT_KEYS.includes(key));
  if (unknown.length > 0) throw new Error(`unknown fault field ${unknown.map((k) => JSON.stringify(k)).join(", ")}; the fields are ${FAULT_KEYS.join(", ")}`);
  const { kind, action, roomId, times, code, message, status, ms } = raw;
  if (!FAULT_KINDS.includes(kind as FaultKind)) throw new Error(`kind must be one of ${FAULT_KINDS.join(", ")}`);
  if (action !== undefined && !(typeof action === "string" && Object.hasOwn(ACTIONS, action))) throw new Error(`action must be one of ${Object.keys(ACTIONS).join(", ")}`);
  if (roomId !== undefined && !(typeof roomId === "string" || (typeof roomId === "number" && Number.isFinite(roomId)))) throw new Error("roomId must be a number (numeric room) or a string (string room)");
  if (times !== undefined && !(Number.isSafeInteger(times) && (times as number) >= 0)) throw new Error("times must be a non-negative integer");
  if (code !== undefined && !(typeof code === "string" && code !== "")) throw new Error("code must be a non-empty string");
  if (kind === "error" && code === undefined) throw new Error("an error fault needs code");
  if (message !== undefined && typeof message !== "string") throw new Error("message must be a string");
  if ((kind === "http" || status !== undefined) && !(Number.isInteger(status) && (status as number) >= 100 && (status as number) <= 599)) throw new Error("an http fault needs status 100..599");
  if ((kind === "latency" || ms !== undefined) && !(typeof ms === "number" && ms >= 0 && ms <= MAX_DELAY_MS)) throw new Error(`a latency fault needs ms 0..${MAX_DELAY_MS}`);
  const spec: FaultSpec = { kind: kind as FaultKind };
  if (action !== undefined) spec.action = action as string;
  if (roomId !== undefined) spec.roomId = roomId as number | string;
  if (times !== undefined) spec.times = times as number;
  if (code !== undefined) spec.code = code as string;
  if (message !== undefined) spec.message = message as string;
  if (status !== undefined) spec.status = status as number;
  if (ms !== undefined) spec.ms = ms as number;
  return spec;
}
