import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { hintFor } from "../../src/output/hints.js";
import { backoffDelay } from "../../src/run/backoff.js";
import { parseEndpoint } from "../../src/trtc/endpoint.js";
import { isRateLimited, isTransient, TrtcError } from "../../src/trtc/errors.js";
import { bypassesProxy, proxyUrlFor } from "../../src/trtc/proxy.js";
import { createTransport } from "../../src/trtc/transport.js";

describe("endpoints", () => {
  it.each([
    ["trtc.tencentcloudapi.com", "https://trtc.tencentcloudapi.com/", 443],
    ["trtc.intl.tencentcloudapi.com", "https://trtc.intl.tencentcloudapi.com/", 443],
    ["https://trtc.tencentcloudapi.com:8443", "https://trtc.tencentcloudapi.com:8443/", 8443],
    ["http://127.0.0.1:9000", "http://127.0.0.1:9000/", 9000],
    ["http://localhost:9000/", "http://localhost:9000/", 9000],
    ["http://[::1]:9000", "http://[::1]:9000/", 9000],
  ])("%s", (value, url, port) => {
    expect(parseEndpoint(value)).toMatchObject({ url, port });
  });
  it.each(["http://trtc.tencentcloudapi.com", "http://10.0.0.5:9000", "ftp://x", "https://x/path", "https://user:pw@x"])("refuses %s", (value) => {
    expect(() => parseEndpoint(value)).toThrow(UsageError);
  });
});

describe("proxy selection", () => {
  it("uses HTTPS_PROXY or https_proxy", () => {
    expect(proxyUrlFor("trtc.tencentcloudapi.com", { HTTPS_PROXY: "http://p:3128" })).toBe("http://p:3128");
    expect(proxyUrlFor("trtc.tencentcloudapi.com", { https_proxy: "http://q:3128" })).toBe("http://q:3128");
    expect(proxyUrlFor("trtc.tencentcloudapi.com", {})).toBeUndefined();
  });
  it.each([
    ["trtc.tencentcloudapi.com", "tencentcloudapi.com", true],
    ["trtc.tencentcloudapi.com", ".tencentcloudapi.com", true],
    ["trtc.tencentcloudapi.com", "*.tencentcloudapi.com", true],
    ["trtc.tencentcloudapi.com", "example.com, trtc.tencentcloudapi.com:443", true],
    ["trtc.tencentcloudapi.com", "*", true],
    ["trtc.tencentcloudapi.com", "api.com", false],
    ["nottencentcloudapi.com", "tencentcloudapi.com", false],
    ["127.0.0.1", undefined, true],
  ])("%s with NO_PROXY=%s bypasses: %s", (host, noProxy, expected) => {
    expect(bypassesProxy(host, noProxy)).toBe(expected);
  });
});

describe("error classes", () => {
  const api = (code: string) => new TrtcError("api", code, "");
  it.each([
    [api("InternalError"), true],
    [api("InternalError.GetRoomCacheIpError"), true],
    [api("RequestLimitExceeded.UinLimitExceeded"), true],
    [api("FailedOperation.RestrictedFrequency"), true],
    [api("OperationDenied.FreqOverLimit"), true],
    [api("FailedOperation.RoomNotExist"), false],
    [api("AuthFailure.SignatureFailure"), false],
    [api("InvalidParameter.RoomId"), false],
    [new TrtcError("http", "HttpError.503", "", null, 503), true],
    [new TrtcError("http", "HttpError.404", "", null, 404), false],
    [new TrtcError("network", "NetworkError", ""), true],
    [new TrtcError("timeout", "RequestTimeout", ""), true],
    [new TrtcError("malformed", "MalformedResponse", ""), true],
  ])("%o transient: %s", (err, expected) => {
    expect(isTransient(err)).toBe(expected);
  });
  it("rate-limit codes are told apart from other transient ones", () => {
    expect(isRateLimited(api("RequestLimitExceeded"))).toBe(true);
    expect(isRateLimited(api("InternalError"))).toBe(false);
  });
  // Each code gets its own advice: a swapped or shared hint fails here.
  it.each<[string, RegExp]>([
    ["AuthFailure.SignatureFailure", /^the signature did not verify: check that the SecretKey belongs to this SecretId$/],
    ["AuthFailure.SecretIdNotFound", /^the SecretId is unknown or disabled/],
    ["AuthFailure.SignatureExpire", /^this machine's clock is more than 5 minutes off/],
    ["AuthFailure.TokenFailure", /^the session token is invalid or expired/],
    ["AuthFailure.MFAFailure", /^TRTC rejected the credentials: check the SecretId\/SecretKey in use \(`trtc-admin doctor`\)$/],
    ["FailedOperation.RoomNotExist", /^no such room now: .*different rooms .*--ignore-missing treats this as already gone$/],
    ["UnsupportedRegion", /^TRTC room actions accept --region ap-beijing, ap-guangzhou or ap-singapore$/],
    ["InvalidParameter.SdkAppId", /^check the SdkAppId \(TRTC console, Applications\)/],
    ["UnauthorizedOperation.SdkAppId", /^these credentials may not manage this SdkAppId/],
    ["RequestTimeout", /^no answer in time: .*raise --timeout$/],
    ["NetworkError", /^could not talk to the endpoint/],
    ["RequestLimitExceeded", /^TRTC allows 20 requests per second per action: lower --rate or --concurrency$/],
    ["RequestLimitExceeded.IPLimitExceeded", /^TRTC allows 20 requests per second per action/],
    ["InvalidParameter.RoomId", /^numeric 123 and string "123" are different rooms \(see --str-room \/ --numeric-room\)$/],
    ["InvalidParameterValue.RoomId", /^numeric 123 and string "123" are different rooms/],
  ])("%s has its own hint", (code, hint) => expect(hintFor(code)).toMatch(hint));
  it.each(["InternalError", "FailedOperation", "InvalidParameter.UserId", "HttpError.502"])("%s has no hint", (code) => expect(hintFor(code)).toBeUndefined());
});

describe("backoff", () => {
  const policy = { baseMs: 200, capMs: 20_000 };
  it("full jitter: anywhere from 0 up to base * 2^(attempt-1), capped", () => {
    expect(backoffDelay(1, false, policy, 0, () => 0)).toBe(0);
    expect(backoffDelay(1, false, policy, 0, () => 0.999)).toBe(199);
    expect(backoffDelay(3, false, policy, 0, () => 0.999)).toBe(799);
    expect(backoffDelay(20, false, policy, 0, () => 0.999)).toBe(19_980);
  });
  it("after a rate-limit rejection it waits at least until the next second", () => {
    expect(backoffDelay(1, true, policy, 5_250, () => 0)).toBe(750);
    expect(backoffDelay(1, true, policy, 5_999, () => 0)).toBe(1);
  });
});

describe("transport failures", () => {
  it("a refused connection is a network error marked as never sent", async () => {
    const transport = await createTransport(parseEndpoint("http://127.0.0.1:1"), {});
    await expect(transport.post({}, "{}", 2000)).rejects.toMatchObject({ kind: "network", code: "NetworkError", notSent: true });
    transport.close();
  });
});
