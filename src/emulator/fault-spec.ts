import { ACTIONS } from "./api.js";
import { FAULT_KINDS, type FaultKind, type FaultSpec, type FaultTarget } from "./faults.js";

/** setTimeout's limit: a longer delay would fire at once. */
export const MAX_DELAY_MS = 2_147_483_647;
/** The room events the emulator sends (105, a role switch, is accepted for symmetry with TRTC's list). */
const EVENT_TYPES = [101, 102, 103, 104, 105];

const COMMON_KEYS = ["target", "kind", "roomId", "times", "ms"];
const KEYS: Record<FaultTarget, string[]> = {
  api: [...COMMON_KEYS, "action", "code", "message", "status"],
  callback: [...COMMON_KEYS, "eventType"],
};

function fail(message: string): never {
  throw new Error(message);
}

/** A fault from the control API: every key known for its target and of its own type, so a typo cannot make a fault that silently never matches. */
export function validateFault(body: unknown): FaultSpec {
  if (!body || typeof body !== "object" || Array.isArray(body)) fail("a fault must be a JSON object");
  const raw = body as Record<string, unknown>;
  const { target = "api", kind, action, eventType, roomId, times, code, message, status, ms } = raw;
  if (target !== "api" && target !== "callback") fail('target must be "api" or "callback"');
  const unknown = Object.keys(raw).filter((key) => !KEYS[target].includes(key));
  if (unknown.length > 0)
    fail(`unknown fault field ${unknown.map((k) => JSON.stringify(k)).join(", ")}; the ${target} fault fields are ${KEYS[target].join(", ")}`);
  if (!FAULT_KINDS[target].includes(kind as FaultKind))
    fail(`kind must be one of ${FAULT_KINDS[target].join(", ")}${target === "api" ? ' (or set "target": "callback")' : ""}`);
  if (action !== undefined && !(typeof action === "string" && Object.hasOwn(ACTIONS, action))) fail(`action must be one of ${Object.keys(ACTIONS).join(", ")}`);
  if (eventType !== undefined && !EVENT_TYPES.includes(eventType as number)) fail(`eventType must be one of ${EVENT_TYPES.join(", ")}`);
  if (roomId !== undefined && !(typeof roomId === "string" || (typeof roomId === "number" && Number.isFinite(roomId))))
    fail("roomId must be a number (numeric room) or a string (string room)");
  if (times !== undefined && !(Number.isSafeInteger(times) && (times as number) >= 0)) fail("times must be a non-negative integer");
  if (code !== undefined && !(typeof code === "string" && code !== "")) fail("code must be a non-empty string");
  if (kind === "error" && code === undefined) fail("an error fault needs code");
  if (message !== undefined && typeof message !== "string") fail("message must be a string");
  if ((kind === "http" || status !== undefined) && !(Number.isInteger(status) && (status as number) >= 100 && (status as number) <= 599))
    fail("an http fault needs status 100..599");
  const timed = kind === "latency" || kind === "delay";
  if ((timed || ms !== undefined) && !(typeof ms === "number" && ms >= 0 && ms <= MAX_DELAY_MS))
    fail(`a ${timed ? kind : "latency or delay"} fault needs ms 0..${MAX_DELAY_MS}`);
  const spec: FaultSpec = { target, kind: kind as FaultKind };
  for (const [key, value] of Object.entries({ action, eventType, roomId, times, code, message, status, ms })) {
    if (value !== undefined) (spec as unknown as Record<string, unknown>)[key] = value;
  }
  return spec;
}
