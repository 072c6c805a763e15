import { describe, expect, it } from "vitest";
import { canonicalRequest, sha256Hex, signature, signingKey, stringToSign, utcDate, verifyTc3 } from "../../src/emulator/signature.js";

// Vectors from ../shared/reference/trtc-api.md §4.4 (Tencent's CVM signing example and a TRTC-shaped one).
const DOC_BODY = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';

describe("TC3-HMAC-SHA256 vectors", () => {
  it("vector A: the documented CVM example", () => {
    expect(sha256Hex(DOC_BODY)).toBe("35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
    const canonical = canonicalRequest(
      "POST",
      "",
      "content-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n",
      "content-type;host",
      DOC_BODY,
    );
    expect(sha256Hex(canonical)).toBe("5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031");
    expect(utcDate(1551113065)).toBe("2019-02-25");
    const key = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    expect(signingKey(key, "2019-02-25", "cvm").toString("hex")).toBe("ac658d5dde49e9bfdd14e04e062f66b05d9f637d44b8a8d845327d4a77f666b1");
    expect(signature(key, "2019-02-25", "cvm", stringToSign(1551113065, "2019-02-25/cvm/tc3_request", canonical))).toBe(
      "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
    );
  });

  it("vector B: the current doc revision signs x-tc-action too", () => {
    const canonical = canonicalRequest(
      "POST",
      "",
      "content-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\nx-tc-action:describeinstances\n",
      "content-type;host;x-tc-action",
      DOC_BODY,
    );
    expect(sha256Hex(canonical)).toBe("7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84");
  });

  it("vector C: a TRTC request", () => {
    const body = '{"SdkAppId":1400000001,"RoomId":"abcd"}';
    expect(sha256Hex(body)).toBe("d243ef396f2fc1c5f4fb8dd0d7b4225937aa5644855379b0753fe92730fa0336");
    const canonical = canonicalRequest("POST", "", "content-type:application/json\nhost:trtc.tencentcloudapi.com\n", "content-type;host", body);
    expect(sha256Hex(canonical)).toBe("b68ab620d21934a55b1f640d269a36d99b28a2fa3653ee6350e9d10d0ccda740");
    const sig = signature("SECRETEXAMPLE", "2023-11-14", "trtc", stringToSign(1700000000, "2023-11-14/trtc/tc3_request", canonical));
    expect(sig).toBe("9e4ffb59c0a497c5ea75e6eb6b36fad411268f1b58cae0a8631e4d4892863bf1");
  });
});

describe("verifyTc3", () => {
  const body = Buffer.from('{"SdkAppId":1400000001,"RoomId":"abcd"}');
  const auth =
    "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2023-11-14/trtc/tc3_request, SignedHeaders=content-type;host, Signature=9e4ffb59c0a497c5ea75e6eb6b36fad411268f1b58cae0a8631e4d4892863bf1";
  const headers = { authorization: auth, "content-type": "application/json", host: "trtc.tencentcloudapi.com", "x-tc-timestamp": "1700000000" };
  const opts = { secretKeyFor: (id: string) => (id === "AKIDEXAMPLE" ? "SECRETEXAMPLE" : undefined), nowSeconds: 1700000000, lenientService: false };
  const verify = (h: Record<string, string>, o: Partial<typeof opts> & { sessionToken?: string } = {}, b = body) =>
    verifyTc3({ method: "POST", headers: h, body: b }, { ...opts, ...o });

  it("accepts vector C", () => expect(verify(headers)).toMatchObject({ ok: true, scope: "2023-11-14/trtc/tc3_request" }));
  it("accepts the host name signed without the port that was sent", () => expect(verify({ ...headers, host: "trtc.tencentcloudapi.com:443" }).ok).toBe(true));
  it.each([
    [{ authorization: undefined }, "AuthFailure.InvalidAuthorization"],
    [{ authorization: "Bearer x" }, "AuthFailure.InvalidAuthorization"],
    [{ authorization: auth.replace("AKIDEXAMPLE", "AKIDOTHER") }, "AuthFailure.SecretIdNotFound"],
    [{ "x-tc-timestamp": "1699999000" }, "AuthFailure.SignatureExpire"],
    [{ host: "evil.example.com" }, "AuthFailure.SignatureFailure"],
    [{ "content-type": "application/json; charset=utf-8" }, "AuthFailure.SignatureFailure"],
    [{ "x-tc-token": "stolen" }, "AuthFailure.TokenFailure"],
  ])("rejects %j with %s", (change, code) => {
    const h: Record<string, string> = { ...headers };
    for (const [k, v] of Object.entries(change))
      if (v === undefined) delete h[k];
      else h[k] = v;
    expect(verify(h)).toMatchObject({ ok: false, code });
  });
  it("rejects a tampered body", () =>
    expect(verify(headers, {}, Buffer.from('{"SdkAppId":1400000001,"RoomId":"abce"}'))).toMatchObject({ code: "AuthFailure.SignatureFailure" }));
  it("allows 300 s of skew but not 301", () => {
    expect(verify(headers, { nowSeconds: 1700000300 }).ok).toBe(true);
    expect(verify(headers, { nowSeconds: 1700000301 })).toMatchObject({ code: "AuthFailure.SignatureExpire" });
  });
  it("requires the expected session token", () => {
    expect(verify(headers, { sessionToken: "tok" })).toMatchObject({ code: "AuthFailure.TokenFailure" });
    expect(verify({ ...headers, "x-tc-token": "tok" }, { sessionToken: "tok" }).ok).toBe(true);
  });
});
