import { constants, type WriteStream } from "node:fs";
import { open, statfs } from "node:fs/promises";
import { finished } from "node:stream/promises";
import { ConfigError } from "../errors.js";
import type { Result } from "../plan/types.js";

/** Appends one JSON line per sent request to the configured audit log; no credentials are written. */
export class AuditLog {
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly stream: WriteStream,
    private readonly profile: string,
    onFailure: (err: Error) => void,
  ) {
    stream.on("error", (err) => {
      if (this.failure) return;
      this.failure = err;
      onFailure(err);
    });
  }

  /**
   * Opens the log before anything is sent, failing closed: a run that cannot be audited
   * does not start. Never follows a symbolic link; the file is kept private (0600).
   */
  static async open(path: string, profile: string, onFailure: (err: Error) => void): Promise<AuditLog> {
    const refuse = (why: string) => new ConfigError(`cannot open the audit log ${path}: ${why}`, "fix auditLog in the config file, or create its directory");
    // O_NONBLOCK: a FIFO with no reader fails at once (ENXIO) instead of blocking the run; a regular file ignores it.
    const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK;
    const handle = await open(path, flags, 0o600).catch((err: NodeJS.ErrnoException) => {
      throw refuse(err.code === "ELOOP" ? "it is a symbolic link" : err.code === "ENXIO" ? "it is not a regular file" : (err.code ?? err.message));
    });
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw refuse("it is not a regular file");
      // A log that is readable by others shows which rooms were acted on; tighten it where we own it.
      if ((info.mode & 0o777) !== 0o600) await handle.chmod(0o600).catch(() => undefined);
      const fs = await statfs(path);
      if (fs.bavail === 0) throw refuse("the disk is full");
    } catch (err) {
      await handle.close();
      throw err instanceof ConfigError ? err : refuse((err as NodeJS.ErrnoException).code ?? (err as Error).message);
    }
    return new AuditLog(handle.createWriteStream(), profile, onFailure);
  }

  record(result: Result): void {
    if (result.status === "planned" || result.status === "not-started" || this.failure) return;
    this.stream.write(`${JSON.stringify({ time: new Date().toISOString(), profile: this.profile, ...result })}\n`);
  }

  /** Resolves once every line is written; rejects with the first write error. Safe to call again. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.failure) {
        this.stream.end();
        await finished(this.stream).catch(() => undefined);
      } else this.stream.destroy();
      if (this.failure) throw this.failure;
    })();
    return this.closing;
  }
}
