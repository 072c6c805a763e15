import { describe, expect, it } from "vitest";
import { RoomStore } from "../../src/emulator/state.js";
import { renderClientEvent } from "../../src/output/emulator-log.js";

const APP = 1400000001;

describe("the emulator's client event lines", () => {
  it("name each SDK callback a client would get, muting included", () => {
    const store = new RoomStore();
    store.seed({ apps: [{ sdkAppId: APP, rooms: { "7": ["amy"] } }] });
    const room = { sdkAppId: APP, kind: "numeric" as const, roomId: 7 };
    const lobby = { sdkAppId: APP, kind: "string" as const, roomId: "lobby" };
    store.enter(room, "bo", "anchor");
    store.enter(lobby, "cy", "audience");
    store.setMute(room, "bo", 2);
    store.setMute(room, "bo", 3);
    store.leave(room, "bo");
    store.kick(APP, "numeric", 7, ["amy"]);
    store.dismiss(APP, "string", "lobby");
    expect(store.events.map((e) => renderClientEvent(e).slice(13))).toEqual([
      "app 1400000001 room 7 bo: onEnterRoom entered the room",
      "app 1400000001 room 7 amy: onRemoteUserEnterRoom(bo) saw bo enter",
      'app 1400000001 room "lobby" cy: onEnterRoom entered the room',
      "app 1400000001 room 7 bo: onUserAudioAvailable(bo, false) audio blocked by the server (emulated)",
      "app 1400000001 room 7 bo: onUserAudioAvailable(bo, true) audio unblocked by the server (emulated)",
      "app 1400000001 room 7 bo: onUserVideoAvailable(bo, false) video blocked by the server (emulated)",
      "app 1400000001 room 7 bo: onExitRoom(0) left",
      "app 1400000001 room 7 amy: onRemoteUserLeaveRoom(bo, 0) saw bo leave",
      "app 1400000001 room 7 amy: onExitRoom(1) kicked out by the server",
      'app 1400000001 room "lobby" cy: onExitRoom(2) room dismissed',
    ]);
  });
});
