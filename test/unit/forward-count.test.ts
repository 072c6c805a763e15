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

  it("nor counted twice when the count already holds it; an append that failed does not block later counts", async () => {
    let answerCount: (n: number) => void = () => undefined;
    let asked: () => void = () => undefined;
    let countAsked = new Promise<void>((resolve) => (asked = resolve));
    const queue: ForwardQueue = {
      settleAndClaim: async () => [],
      release: async () => undefined,
      count: () => {
        asked();
        return new Promise<number>((resolve) => (answerCount = resolve));
      },
      dropExpired: async () => 0,
    };
    const forwarder = new Forwarder({
      urls: ["http://app.invalid/cb"],
      queue,
      onGiveUp: () => undefined,
      onStoreError: () => undefined,
      maxPending: 5,
      pollMs: 1,
    });
    forwarder.start("test");
    await countAsked;
    const forward = forwarder.request({ Sign: "s" });
    // The event commits before the count reads, so the store's count holds it; stored() comes after.
    countAsked = new Promise<void>((resolve) => (asked = resolve));
    answerCount(1);
    forwarder.stored({ forward } as unknown as IncomingEvent, "stored");
    await countAsked;
    expect(forwarder.stats().pending).toBe(1);
    // A failed append: its reservation ends, and the next quiet count is taken as it is.
    const failed = forwarder.request({ Sign: "s" });
    forwarder.abandoned({ forward: failed } as unknown as IncomingEvent);
    countAsked = new Promise<void>((resolve) => (asked = resolve));
    answerCount(1);
    await countAsked;
    answerCount(3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(forwarder.stats().pending).toBe(3);
    await forwarder.drain(0);
  });
});
