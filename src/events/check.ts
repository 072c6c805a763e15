import { BadCallback, parseCallback } from "./parse.js";
import { verifySign } from "./sign.js";
import type { CallbackEvent } from "./types.js";

/** "Over 64 KiB" in the contract: more than 65,536 bytes. */
export const MAX_BODY_BYTES = 65_536;

export interface Expected {
  key: string;
  sdkAppId: number;
}

export type Verdict = { ok: true; event: CallbackEvent } | { ok: false; status: 400 | 401 | 403 | 413; reason: string };

/** The receiver's checks in the contract's order: size, signature, SdkAppId, body. Shared by serve and ingest. */
export function checkCallback(raw: Buffer, sign: string | undefined, sdkAppId: string | undefined, expected: Expected): Verdict {
  if (raw.length > MAX_BODY_BYTES) return { ok: false, status: 413, reason: `body over ${MAX_BODY_BYTES} bytes` };
  if (!verifySign(expected.key, raw, sign)) return { ok: false, status: 401, reason: sign === undefined ? "no Sign header" : "Sign does not match the body" };
  if (sdkAppId === undefined) return { ok: false, status: 403, reason: "no SdkAppId header" };
  if (sdkAppId !== String(expected.sdkAppId)) return { ok: false, status: 403, reason: `SdkAppId ${sdkAppId} is not this profile's (${expected.sdkAppId})` };
  try {
    return { ok: true, event: parseCallback(raw) };
  } catch (err) {
    if (err instanceof BadCallback) return { ok: false, status: 400, reason: err.message };
    throw err;
  }
}
