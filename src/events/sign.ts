import { createHmac, timingSafeEqual } from "node:crypto";

const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

/** TRTC's callback signature: base64(HMAC-SHA256(key, body bytes exactly as sent)). */
export function signBody(key: string, raw: Buffer): string {
  return createHmac("sha256", key).update(raw).digest("base64");
}

/** Constant-time check of a Sign header against the raw body; the body is never re-serialised. */
export function verifySign(key: string, raw: Buffer, sign: string | undefined): boolean {
  if (sign === undefined || !BASE64_SHA256.test(sign)) return false;
  const expected = createHmac("sha256", key).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(sign, "base64"));
}
