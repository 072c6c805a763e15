/** Exit codes from the contract. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  config: 3,
  auth: 4,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the user can fix; carries its exit code and an optional hint. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly code: string,
    readonly hint?: string,
  ) {
    super(message);
    // Set, not inferred: the bundles are minified, which renames classes.
    this.name = code;
  }
}

/** Bad arguments, ids, region or a missing --yes: exit 2, nothing sent. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, "UsageError", hint);
  }
}

/** Invalid config, unknown profile, missing credentials: exit 3, nothing sent. */
export class ConfigError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.config, "ConfigError", hint);
  }
}

/** SIGINT/SIGTERM before anything was sent: exit 130. */
export class InterruptedError extends CliError {
  constructor(message = "interrupted: nothing was sent") {
    super(message, ExitCode.interrupted, "Interrupted");
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
