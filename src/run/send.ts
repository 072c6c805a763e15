import type { PlannedRequest, Result } from "../plan/types.js";
import { type TraceEvent, TrtcClient, type TrtcCredential } from "../trtc/client.js";
import type { Endpoint } from "../trtc/endpoint.js";
import { isAuthCode, type TrtcError } from "../trtc/errors.js";
import { type Budgets, processBudgets } from "./budgets.js";
import { dispatch } from "./dispatch.js";
import { execute } from "./executor.js";

export interface SendSettings {
  endpoint: Endpoint;
  region: string;
  credential: TrtcCredential;
  env: NodeJS.ProcessEnv;
  concurrency: number;
  /** Per action: TRTC's 20/s is counted per (SdkAppId, action). */
  rate: number;
  /** Shared by whoever else sends for the SdkAppId; default: every sender in this process. */
  budgets?: Budgets;
  maxAttempts: number;
  timeoutMs: number;
  ignoreMissing: boolean;
  /** Stops new requests; those in flight finish. */
  signal: AbortSignal;
  trace?: (event: TraceEvent) => void;
  onRetry?: (request: PlannedRequest, attempt: number, error: TrtcError, delayMs: number) => void;
  /** See ExecuteOptions.maxOutstanding. */
  maxOutstanding?: number;
}

export interface SendReport {
  /** TRTC rejected the credentials; requests after that were not sent. */
  authFailed: boolean;
}

/** Sends planned requests under the scheduler: the one engine behind the CLI and the library. */
export async function sendAll(
  requests: AsyncIterable<PlannedRequest>,
  settings: SendSettings,
  onResult: (result: Result) => void | Promise<void>,
): Promise<SendReport> {
  const { endpoint, region, credential, env, trace, onRetry } = settings;
  const client = new TrtcClient({ endpoint, region, credential, env, ...(trace ? { trace } : {}) });
  const budgets = settings.budgets ?? processBudgets(endpoint.url);
  let authFailed = false;
  try {
    await execute(requests, {
      concurrency: settings.concurrency,
      rate: settings.rate,
      budgets,
      maxAttempts: settings.maxAttempts,
      ignoreMissing: settings.ignoreMissing,
      signal: settings.signal,
      ...(settings.maxOutstanding ? { maxOutstanding: settings.maxOutstanding } : {}),
      send: (request) => dispatch(client, request, settings.timeoutMs),
      onResult: (result) => {
        if (result.error && isAuthCode(result.error.code)) authFailed = true;
        return onResult(result);
      },
      ...(onRetry ? { onRetry } : {}),
    });
  } finally {
    await client.close();
    await budgets.settled();
  }
  return { authFailed };
}
