import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";
import { finished } from "node:stream/promises";
import type { Result } from "../plan/types.js";

/** Appends one JSON line per sent request to the configured audit log; no credentials are written. */
export class AuditLog {
  private readonly stream: WriteStream;

  constructor(
    path: string,
    private readonly profile: string,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.stream = createWriteStream(path, { flags: "a", mode: 0o600 });
    this.stream.on("error", () => {}); // reported by close()
  }

  record(result: Result): void {
    if (result.status === "planned" || result.status === "not-started") return;
    this.stream.write(`${JSON.stringify({ time: new Date().toISOString(), profile: this.profile, ...result })}\n`);
  }

  async close(): Promise<void> {
    this.stream.end();
    await finished(this.stream);
  }
}
