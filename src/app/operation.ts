import { loadCredential } from "../config/credentials.js";
import { InterruptedError, UsageError } from "../errors.js";
import type { PlannedRequest, Result } from "../plan/types.js";
import { RoomCloser } from "../store/live.js";
import {
  destinationOf,
  openAudit,
  type RunOutcome,
  reportPlanned,
  requireUsableProxy,
  runFacts,
  sendReported,
  sentNothing,
  sharedBudgetsOf,
  verifierFor,
} from "./execute.js";
import type { Asking, RunFacts, RunPorts } from "./ports.js";
import { checkUsage, prepare, type RoomOperation, requireYes } from "./prepare.js";
import { type Session, throwIfInterrupted } from "./session.js";

export type { RoomOperation } from "./prepare.js";

/** What the operation shows before it sends, for the question. */
export interface Confirmation {
  total: number;
  sdkAppId: number;
  region: string;
  endpoint: string;
  /** The first few requests. */
  preview: PlannedRequest[];
}

export interface OperationPorts extends RunPorts, Asking {
  /** Prepared: what the run talks to. */
  ready(facts: RunFacts): void;
  /** Asked unless --yes. */
  confirm(confirmation: Confirmation): Promise<"yes" | "no" | "interrupted">;
  /** Nothing to send (no live room matches, an empty room, nothing to retry): said before the empty summary. */
  nothing(): void;
}

/** kick, dismiss and mute: prepare (validate everything), confirm, then send under the scheduler and report; returns how the run ended. */
export async function runOperation(session: Session, op: RoomOperation, ports: OperationPorts): Promise<RunOutcome> {
  const { io } = session;
  checkUsage(ports, op);
  // The sending engine (client, signer, scheduler) loads while config and input are read.
  if (!op.dryRun) import("../run/send.js").catch(() => undefined);
  const prepared = await prepare(session, op, ports.warn);
  try {
    const { settings, sdkAppId, total } = prepared;
    if (!op.dryRun) requireUsableProxy(io.env);
    throwIfInterrupted(io.signal);
    ports.ready(runFacts(settings, sdkAppId, op.dryRun));
    if (op.dryRun) return await reportPlanned(io.signal, prepared.requests(), await ports.results(total, { sending: false, verifying: false }));
    // dismiss --live with no match, an empty room, nothing to retry: nothing to send, nothing to confirm.
    if (total === 0) {
      ports.nothing();
      return sentNothing((await ports.results(0, { sending: false, verifying: false })).finish());
    }
    // --live and --all-members: checked only now that there is something to confirm.
    if (op.live || op.allMembers) requireYes(ports, op);
    // Checked before anything is asked or sent: --wait without an inventory is a configuration error.
    const verifier = await verifierFor(session, prepared.effects, op.waitMs, ports.warn);

    const audit = await openAudit(settings);
    try {
      throwIfInterrupted(io.signal);
      if (!op.yes) {
        const { region, endpoint } = settings;
        const answer = await ports.confirm({ total, sdkAppId, region, endpoint: endpoint.url, preview: prepared.preview });
        if (answer === "interrupted") throw new InterruptedError();
        if (answer === "no") throw new UsageError("cancelled: nothing was sent");
      }
      const credential = await loadCredential(settings, io.env, io.signal);
      throwIfInterrupted(io.signal);
      // --live closes the rooms it read from the inventory; a plain dismiss only those the inventory shows live.
      const closer = prepared.inventory && new RoomCloser(sdkAppId, prepared.inventory, { onlyLive: !op.live });
      const budgets = await sharedBudgetsOf(prepared.ledger, session.run.timeoutMs, ports.warn);
      const requests = closer ? closer.track(prepared.requests()) : prepared.requests();
      const sink = await ports.results(total, { sending: true, verifying: verifier !== undefined });
      return await sendReported(
        requests,
        {
          to: destinationOf(session, settings, credential, budgets),
          pace: session.run,
          ignoreMissing: op.ignoreMissing,
          signal: io.signal,
          audit,
          ...(settings.auditLog !== undefined && { auditPath: settings.auditLog }),
          ...(verifier && { verifier }),
          ...(ports.debug && { debug: ports.debug }),
          ...(closer && {
            onResult: (result: Result) => closer.add(result),
            afterSend: async () => {
              const { error, notClosed } = await closer.finish(io.signal);
              if (error) ports.warn(`the rooms were dismissed, but the inventory could not record it: ${error.message}`);
              else if (notClosed > 0)
                ports.warn(
                  `${notClosed} dismissed rooms were not closed in the inventory (interrupted, and it did not answer in time); their 102s will close them`,
                );
            },
          }),
        },
        sink,
        ports.warn,
      );
    } finally {
      await audit.log?.close().catch(() => undefined);
    }
  } finally {
    await prepared.close();
  }
}
