import { CommonClient } from "tencentcloud-sdk-nodejs-common";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY, type Emulator } from "../../src/emulator/server.js";
import { APP, emulator, seedApp } from "../helpers/cli.js";

/** The official SDK's own client, pointed at the emulator the way its docs allow. */
function officialClient(emu: Emulator) {
  return new CommonClient("trtc.tencentcloudapi.com", "2019-07-22", {
    credential: { secretId: DEFAULT_SECRET_ID, secretKey: DEFAULT_SECRET_KEY },
    region: "ap-guangzhou",
    profile: { httpProfile: { endpoint: new URL(emu.url).host, protocol: "http://", reqTimeout: 5 } },
  });
}

let emu: Emulator;
const saved = process.env.http_proxy;
beforeEach(async () => {
  delete process.env.http_proxy; // the SDK would route even loopback traffic through it
  emu = await emulator({ seed: seedApp({ "123": ["alice"] }) });
});
afterEach(async () => {
  if (saved !== undefined) process.env.http_proxy = saved;
  await emu.close();
});

describe("official tencentcloud-sdk-nodejs-common client", () => {
  it('is rejected in strict mode: it signs service "127", taken from the endpoint\'s first label', async () => {
    await expect(officialClient(emu).request("DismissRoom", { SdkAppId: APP, RoomId: 123 })).rejects.toMatchObject({ code: "AuthFailure.SignatureFailure" });
    expect(emu.store.roomExists(APP, "numeric", 123)).toBe(true);
    expect(emu.requests[0]!.credentialScope).toMatch(/\/127\/tc3_request$/);
  });

  it("is accepted with lenient signing, and the room is dismissed", async () => {
    emu.applySettings({ lenientSigning: true });
    const response = await officialClient(emu).request("DismissRoom", { SdkAppId: APP, RoomId: 123 });
    expect(response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(emu.store.roomExists(APP, "numeric", 123)).toBe(false);
  });
});
