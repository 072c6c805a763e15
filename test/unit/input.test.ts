import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { INPUT_LIMITS, openInput } from "../../src/plan/input.js";

const signal = new AbortController().signal;
const values = async (source: Awaited<ReturnType<typeof openInput>>) => {
  const out: string[] = [];
  for await (const item of source.items()) out.push(`${item.origin}=${item.value}`);
  return out;
};

describe("input snapshots", () => {
  it("refuses standard input over the total limit (1 GiB in use), removing its spool", async () => {
    expect(INPUT_LIMITS.maxBytes).toBe(2 ** 30);
    const tmp = mkdtempSync(join(tmpdir(), "trtc-input-"));
    const stdin = Readable.from([Buffer.from("1\n".repeat(600))]);
    await expect(openInput([], "-", () => stdin, signal, tmp, { maxBytes: 1000, maxLineBytes: 100 })).rejects.toThrow(
      new UsageError("stdin is over 1000 bytes; refusing it", "split the input into smaller runs"),
    );
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("refuses a line over the line limit, naming it, wherever it falls across chunks", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "trtc-input-"));
    const stdin = Readable.from([Buffer.from("1\n2\n" + "x".repeat(60)), Buffer.from("y".repeat(60) + "\n3\n")]);
    await expect(openInput([], "-", () => stdin, signal, tmp, { maxBytes: 1000, maxLineBytes: 100 })).rejects.toThrow("stdin:3: line is over 100 bytes");
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("reads what was there when it started: arguments first, then trimmed file lines, blank and # lines skipped", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "trtc-input-"));
    const source = await openInput(["a"], "-", () => Readable.from([Buffer.from("  b \n\n# note\nc\r\n")]), signal, tmp);
    expect(await values(source)).toEqual(["argument 1=a", "stdin:1=b", "stdin:4=c"]);
    expect(await values(source)).toEqual(["argument 1=a", "stdin:1=b", "stdin:4=c"]);
    expect(readdirSync(tmp)).toHaveLength(1);
    await source.close();
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("an interrupt while reading stops at once and leaves no spool", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "trtc-input-"));
    const abort = new AbortController();
    const endless = new Readable({
      read() {
        this.push("1\n");
      },
    });
    setTimeout(() => abort.abort(), 50);
    await expect(openInput([], "-", () => endless, abort.signal, tmp)).rejects.toMatchObject({ code: "Interrupted" });
    expect(readdirSync(tmp)).toEqual([]);
  });
});
