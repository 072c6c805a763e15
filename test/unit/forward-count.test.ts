import { describe, expect, it } from "vitest";
import { Forwarder } from "../../src/events/forward.js";
import type { ForwardQueue, IncomingEvent } from "../../src/events/types.js";

describe("the forwarder's pending count", () => {
  it("an event stored while the store is being counted is not lost from the count (maxPending holds)", async () => {
    let answerCount: (n: number) => void = () => undefined;
    let counting: () => void = () => undefined;
    const countAsked = new Promise<void>((resolve) => (counting = resolve));
    const queue: ForwardQueue = {
      settleAndClaim: async () => [],
      release: async () => undefined,
      count: () => {
        counting();
        return new Promise<number>((resolve) => (answerCount = resolve));
      },
      dropExpired: async () => 0,
    };
    const forwarder = new Forwarder({ urls: ["http://app.invalid/cb"], queue, onGiveUp: () => undefined, onStoreError: () => undefined, maxPending: 1 });
    forwarder.start("test");
    await countAsked;
    // Stored and acknowledged while the count (which began before its commit) is in flight.
    const forward = forwarder.request({ Sign: "s" });
    expect(forward).toBeDefined();
    forwarder.stored({ forward } as unknown as IncomingEvent, "stored");
    answerCount(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(forwarder.stats().pending).toBe(1);
    expect(forwarder.request({ Sign: "s" })).toBeUndefined();
    await forwarder.drain(0);
  });
});
