/** What the application layer asks of its caller's terminal (or a program): the commands implement these with output/. */
import type { Result, Summary } from "../plan/types.js";
import type { SendSettings } from "../run/send.js";

/** Where results go as they finish: the CLI's reporter, a program's list. `finish` gives the summary. */
export interface ResultSink {
  result(result: Result): Promise<void> | undefined | void;
  finish(): Summary;
}

/** --debug: each request and response, each retry. */
export type Debug = Pick<SendSettings, "trace" | "onRetry">;

export interface RunPorts {
  /** Something the user should know that does not stop the action. */
  warn(message: string): void;
  debug?: Debug;
  /** A sink for `total` results: `sending` (not a dry run) shows progress, `verifying` holds --wait's results. */
  results(total: number, how: { sending: boolean; verifying: boolean }): Promise<ResultSink>;
}

/** Whether there is a terminal to ask on; without one, changing anything needs --yes. */
export interface Asking {
  interactive: boolean;
}

/** What a run talks to, known once it is prepared (the CLI's breadcrumb). */
export interface RunFacts {
  profile: string;
  sdkAppId: number;
  region: string;
  endpoint: string;
  /** Where the credentials come from (a dry run needs none). */
  credentials: string;
}
