import { type LoadedConfig, loadConfig } from "../config/load.js";
import type { GlobalFlags } from "../config/resolve.js";
import { InterruptedError, untilInterrupted } from "../errors.js";
import type { AtExit } from "../plan/input.js";

/** What an action needs of whoever runs it, the terminal aside: the CLI's command context is one. */
export interface Session {
  io: {
    stdin: NodeJS.ReadableStream;
    env: NodeJS.ProcessEnv;
    cwd: string;
    /** Stops the action: nothing new is sent, and what is in flight is reported. */
    signal: AbortSignal;
    /** Cleanup if the process exits first (only the entry point can know); in-process runs need none. */
    atExit?: AtExit;
  };
  /** The global flags that choose the config: --profile, --sdk-app-id, --region, --endpoint, --config. */
  flags: GlobalFlags;
  /** How runs send. */
  run: { timeoutMs: number; maxAttempts: number; concurrency: number; rate: number };
}

/** The config file; an interrupt stops the wait at once (a JavaScript config's top-level await may never settle). */
export function loadConfigOf(session: Session): Promise<LoadedConfig | undefined> {
  return untilInterrupted(loadConfig(session.flags.config, session.io.cwd, session.io.env), session.io.signal);
}

export function throwIfInterrupted(signal: AbortSignal): void {
  if (signal.aborted) throw new InterruptedError();
}
