import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pipeline } from "node:stream/promises";
import { UsageError } from "../errors.js";

export interface InputItem {
  value: string;
  /** Where the value came from, for error messages: "argument 2" or "rooms.txt:14". */
  origin: string;
}

/** Items from arguments and an optional --from-file, readable more than once without holding the file in memory. */
export interface InputSource {
  items(): AsyncIterable<InputItem>;
  close(): Promise<void>;
}

async function* fileItems(path: string, label: string): AsyncIterable<InputItem> {
  // Small reads keep few lines queued ahead of the consumer, so they die young instead of being promoted.
  const stream = createReadStream(path, { encoding: "utf8", highWaterMark: 1024 });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const raw of lines) {
      n++;
      const value = raw.trim();
      if (value === "" || value.startsWith("#")) continue;
      yield { value, origin: `${label}:${n}` };
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

/**
 * Standard input can be read only once, so it is spooled to a private temporary
 * file; the validation pass and the sending pass then stream from that file.
 */
async function spoolStdin(stdin: NodeJS.ReadableStream): Promise<{ path: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), "trtc-admin-"));
  const path = join(dir, "stdin");
  await pipeline(stdin, createWriteStream(path, { mode: 0o600 }));
  return { path, dir };
}

export async function openInput(args: string[], fromFile: string | undefined, stdin: NodeJS.ReadableStream): Promise<InputSource> {
  let filePath: string | undefined;
  let label = fromFile ?? "";
  let spoolDir: string | undefined;
  if (fromFile === "-") {
    const spooled = await spoolStdin(stdin);
    filePath = spooled.path;
    spoolDir = spooled.dir;
    label = "stdin";
  } else if (fromFile !== undefined) {
    filePath = fromFile;
    await new Promise<void>((resolve, reject) => {
      const probe = createReadStream(fromFile);
      probe.once("open", () => { probe.destroy(); resolve(); });
      probe.once("error", (err) => reject(new UsageError(`cannot read --from-file ${fromFile}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
    });
  }
  return {
    async *items() {
      for (const [i, value] of args.entries()) yield { value, origin: `argument ${i + 1}` };
      if (filePath !== undefined) yield* fileItems(filePath, label);
    },
    async close() {
      if (spoolDir !== undefined) await rm(spoolDir, { recursive: true, force: true });
    },
  };
}
