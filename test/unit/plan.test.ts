import { describe, expect, it } from "vitest";
import { planDismiss, planKick } from "../../src/plan/plan.js";
import { collect, items } from "../helpers/bulk.js";

const users = (n: number) => Array.from({ length: n }, (_, i) => `u${i + 1}`);

describe("kick batching", () => {
  it.each([
    [1, [1]],
    [10, [10]],
    [11, [10, 1]],
    [25, [10, 10, 5]],
    [100, Array(10).fill(10)],
  ])("%i users -> batches %j", async (n, sizes) => {
    const plan = await collect(planKick(1, { roomId: 7, roomIdType: "numeric" }, items(users(n))));
    expect(plan.map((p) => p.userIds!.length)).toEqual(sizes);
    expect(plan.flatMap((p) => p.userIds)).toEqual(users(n));
    expect(new Set(plan.map((p) => p.action))).toEqual(new Set(["RemoveUser"]));
  });

  it("drops duplicates, keeping first order", async () => {
    const plan = await collect(planKick(1, { roomId: "s", roomIdType: "string" }, items(["b", "a", "b", "c", "a"])));
    expect(plan).toEqual([{ action: "RemoveUserByStrRoomId", sdkAppId: 1, room: { roomId: "s", roomIdType: "string" }, userIds: ["b", "a", "c"] }]);
  });

  it("names where an invalid id came from", async () => {
    await expect(collect(planKick(1, { roomId: 7, roomIdType: "numeric" }, items(["ok", "bad id"])))).rejects.toThrow(/^argument 2: invalid user id "bad id"/);
  });
});

describe("dismiss planning", () => {
  it('types each room and picks its action; 123 and "123" stay distinct', async () => {
    const plan = await collect(planDismiss(1, items(["123", "abc", "0123", "123"]), "auto"));
    expect(plan.map((p) => [p.action, p.room.roomId])).toEqual([
      ["DismissRoom", 123],
      ["DismissRoomByStrRoomId", "abc"],
      ["DismissRoomByStrRoomId", "0123"],
    ]);
  });
  it("forced string mode sends 123 as a string room", async () => {
    const plan = await collect(planDismiss(1, items(["123"]), "string"));
    expect(plan[0]).toMatchObject({ action: "DismissRoomByStrRoomId", room: { roomId: "123", roomIdType: "string" } });
  });
});
