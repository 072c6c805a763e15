import type { IncomingMessage } from "node:http";

/** Past this, an oversized body is not even read to its end: the connection is dropped. */
const DISCARD_LIMIT = 1 << 20;

export type Body = { ok: true; raw: Buffer } | { ok: false; drop: boolean };

/**
 * Reads a request body, keeping at most `limit` bytes in memory. An oversized body is
 * drained (so the client can read the 413) unless it is huge, in which case `drop` is set.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (declared > DISCARD_LIMIT) return Promise.resolve({ ok: false, drop: true });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > DISCARD_LIMIT) {
        req.removeAllListeners("data");
        req.pause();
        resolve({ ok: false, drop: true });
      }
    });
    req.on("end", () => resolve(size > limit ? { ok: false, drop: false } : { ok: true, raw: Buffer.concat(chunks, size) }));
    // A client that vanishes mid-body (or is cut off by the request timeout) settles the read too.
    req.on("error", () => resolve({ ok: false, drop: true }));
    req.on("close", () => resolve({ ok: false, drop: true }));
  });
}
