/**
 * Problems any layer reports: a stable code name, a message and an optional hint. They say what
 * went wrong, not how the process ends: which exit code each means is chosen at the edge
 * (src/exit-codes.ts), by the CLI's commands and the library's entry.
 */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly hint?: string,
  ) {
    super(message);
    // Set, not inferred: the bundles are minified, which renames classes.
    this.name = code;
  }
}

/** Bad arguments, ids, region, options or a missing --yes: nothing was sent. */
export class UsageError extends DomainError {
  constructor(message: string, hint?: string) {
    super(message, "UsageError", hint);
  }
}

/** Invalid config, unknown profile, missing credentials: nothing was sent. */
export class ConfigError extends DomainError {
  constructor(message: string, hint?: string) {
    super(message, "ConfigError", hint);
  }
}

/** SIGINT/SIGTERM before anything was sent. */
export class InterruptedError extends DomainError {
  constructor(message = "interrupted: nothing was sent") {
    super(message, "Interrupted");
    this.name = "InterruptedError";
  }
}

/** `work`, unless the signal aborts first: then InterruptedError at once (the work is left to finish or not). */
export function untilInterrupted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new InterruptedError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new InterruptedError());
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
