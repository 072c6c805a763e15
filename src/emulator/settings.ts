import { ACTIONS } from "./api.js";
import { MAX_DELAY_MS } from "./fault-spec.js";

export interface EmulatorSettings {
  rateLimit: number;
  latencyMs: number;
  lenientSigning: boolean;
  /** Actions answered with InvalidAction, as an endpoint that lacks them would (SetUserBlocked* on the China site). */
  unavailableActions: string[];
}

const SETTING_KEYS = ["rateLimit", "latencyMs", "lenientSigning", "unavailableActions"];

export function checkActionList(value: unknown): string[] {
  const names = Object.keys(ACTIONS);
  const ok = Array.isArray(value) && value.every((a) => typeof a === "string" && names.includes(a)) && new Set(value).size === value.length;
  if (!ok) throw new Error(`unavailableActions must be a list of distinct action names from ${names.join(", ")}`);
  return [...(value as string[])];
}

/** A settings patch, every key known and of its own type (no "false" read as true). */
export function checkSettings(body: unknown): Partial<EmulatorSettings> {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new Error("the config patch must be a JSON object");
  const patch = body as Record<string, unknown>;
  const unknown = Object.keys(patch).filter((key) => !SETTING_KEYS.includes(key));
  if (unknown.length > 0) throw new Error(`unknown setting ${unknown.map((k) => JSON.stringify(k)).join(", ")}; the settings are ${SETTING_KEYS.join(", ")}`);
  const out: Partial<EmulatorSettings> = {};
  if (patch.rateLimit !== undefined) {
    if (!Number.isSafeInteger(patch.rateLimit) || (patch.rateLimit as number) < 0) throw new Error("rateLimit must be a non-negative integer");
    out.rateLimit = patch.rateLimit as number;
  }
  if (patch.latencyMs !== undefined) {
    if (typeof patch.latencyMs !== "number" || !(patch.latencyMs >= 0 && patch.latencyMs <= MAX_DELAY_MS))
      throw new Error(`latencyMs must be a number of milliseconds 0..${MAX_DELAY_MS}`);
    out.latencyMs = patch.latencyMs;
  }
  if (patch.lenientSigning !== undefined) {
    if (typeof patch.lenientSigning !== "boolean") throw new Error("lenientSigning must be true or false (a JSON boolean)");
    out.lenientSigning = patch.lenientSigning;
  }
  if (patch.unavailableActions !== undefined) out.unavailableActions = checkActionList(patch.unavailableActions);
  return out;
}
