import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { Result } from "../plan/types.js";

/** Appends one JSON line per sent request to the configured audit log; no credentials are written. */
export class AuditLog {
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly profile: string,
  ) {}

  record(result: Result): void {
    if (result.status === "planned" || result.status === "not-started") return;
    const line = `${JSON.stringify({ time: new Date().toISOString(), profile: this.profile, ...result })}\n`;
    this.pending = this.pending.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, line, { mode: 0o600 });
    });
  }

  flush(): Promise<void> {
    return this.pending;
  }
}
