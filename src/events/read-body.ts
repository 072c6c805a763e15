import type { IncomingMessage } from "node:http";

/** Past this, an oversized body is not even read to its end: the connection is dropped. */
const DISCARD_LIMIT = 1 << 20;

/** Why a body was not read: over the limit, not all there in time, or the client went away. */
export type BodyFault = "too-large" | "timeout" | "gone";
export type Body = { ok: true; raw: Buffer } | { ok: false; why: BodyFault; drop: boolean };

/**
 * Reads a request body, keeping at most `limit` bytes in memory and waiting at most `timeoutMs`
 * for all of it. An oversized body is drained (so the client can read the 413) unless it is huge,
 * in which case `drop` is set.
 */
export function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Body> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (declared > DISCARD_LIMIT) return Promise.resolve({ ok: false, why: "too-large", drop: true });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (body: Body) => {
      clearTimeout(timer);
      resolve(body);
    };
    // A slow client holds a descriptor and a slot: it gets the time TRTC itself waits for an answer.
    const timer = setTimeout(() => {
      req.removeAllListeners("data");
      req.pause();
      settle({ ok: false, why: "timeout", drop: true });
    }, timeoutMs);
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > DISCARD_LIMIT) {
        req.removeAllListeners("data");
        req.pause();
        settle({ ok: false, why: "too-large", drop: true });
      }
    });
    req.on("end", () => settle(size > limit ? { ok: false, why: "too-large", drop: false } : { ok: true, raw: Buffer.concat(chunks, size) }));
    // A client that vanishes mid-body settles the read too (a settled promise ignores what comes after).
    req.on("error", () => settle({ ok: false, why: "gone", drop: true }));
    req.on("close", () => settle({ ok: false, why: "gone", drop: true }));
  });
}
