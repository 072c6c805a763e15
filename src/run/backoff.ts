export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({ baseMs: 200, capMs: 20_000 });

/**
 * Exponential backoff with full jitter. After a rate-limit rejection the wait
 * also reaches past the current second (`nowMs`, wall-clock), since the service counts per second.
 */
export function backoffDelay(attempt: number, rateLimited: boolean, policy: BackoffPolicy, nowMs: number, random = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  if (!rateLimited) return jittered;
  return Math.max(jittered, 1000 - (nowMs % 1000));
}
