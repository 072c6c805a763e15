/** One HTTP attempt at a callback, and the waits between attempts. */

export interface PostResult {
  ok: boolean;
  /** Why it failed: "HTTP 500", "timeout", a socket error code. */
  error?: string;
}

/** Only HTTP 200 counts as received, as TRTC requires; redirects are not followed. */
export async function postCallback(url: string, headers: Record<string, string>, body: string, timeoutMs: number, signal: AbortSignal): Promise<PostResult> {
  try {
    const res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
    await res.arrayBuffer();
    return res.status === 200 ? { ok: true } : { ok: false, error: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { ok: false, error: e.name === "TimeoutError" ? "timeout" : (e.cause?.code ?? e.name) };
  }
}
