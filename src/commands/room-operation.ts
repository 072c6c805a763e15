import { describeCredentialSource, loadCredential } from "../config/credentials.js";
import { loadConfig } from "../config/load.js";
import { requireSdkAppId, resolveSettings } from "../config/resolve.js";
import { CliError, ExitCode, UsageError } from "../errors.js";
import { AuditLog } from "../output/audit.js";
import { printBreadcrumb, printRetry, printTrace, printWarning } from "../output/messages.js";
import { createProgress } from "../output/progress.js";
import { confirm } from "../output/prompt.js";
import { roomLabel } from "../output/render.js";
import { Reporter } from "../output/reporter.js";
import { parseRoom } from "../plan/ids.js";
import { openInput } from "../plan/input.js";
import { planDismiss, planKick } from "../plan/plan.js";
import type { PlannedRequest, RoomIdMode, Summary } from "../plan/types.js";
import { isAuthCode } from "../trtc/errors.js";
import type { Context } from "./context.js";

export interface RoomOperation {
  kind: "kick" | "dismiss";
  /** kick: the room argument. */
  room?: string;
  /** kick: user ids; dismiss: rooms. */
  items: string[];
  fromFile?: string;
  /** Forced by --str-room/--numeric-room or by an API-named command. */
  roomIdMode?: RoomIdMode;
  yes: boolean;
  dryRun: boolean;
  ignoreMissing: boolean;
}

const PREVIEW = 5;

function exitCodeFor(summary: Summary, authFailed: boolean, interrupted: boolean): number {
  if (interrupted) return ExitCode.interrupted;
  if (authFailed) return ExitCode.auth;
  if (summary.failed > 0 || summary.notStarted > 0) return ExitCode.failed;
  return ExitCode.ok;
}

function describeTarget(request: PlannedRequest): string {
  const room = `room ${roomLabel({ roomId: request.room.id, roomIdType: request.room.type })}`;
  return request.userIds ? `${room}: ${request.userIds.join(", ")}` : room;
}

/** kick and dismiss: validate everything, confirm, then send under the scheduler. */
export async function runRoomOperation(ctx: Context, op: RoomOperation): Promise<number> {
  const { io, term, run } = ctx;
  const settings = resolveSettings(await loadConfig(ctx.flags.config, io.cwd), ctx.flags, io.env);
  const mode = op.roomIdMode ?? settings.roomIdMode;
  const sdkAppId = requireSdkAppId(settings);
  const room = op.kind === "kick" ? parseRoom(op.room!, mode) : undefined;
  if (op.items.length === 0 && op.fromFile === undefined) {
    throw new UsageError(op.kind === "kick" ? "no user ids given" : "no rooms given", "pass them as arguments or with --from-file <path|->");
  }
  if (op.fromFile === "-" && !op.yes && !op.dryRun) {
    throw new UsageError("--yes is required with --from-file -", "standard input carries the ids, so it cannot also answer the confirmation");
  }
  const source = await openInput(op.items, op.fromFile, io.stdin);
  try {
    const plan = () => (op.kind === "kick" ? planKick(sdkAppId, room!, source.items()) : planDismiss(sdkAppId, source.items(), mode));

    // Validation pass: every id is checked before anything is sent.
    let total = 0;
    const preview: PlannedRequest[] = [];
    for await (const request of plan()) {
      if (total++ < PREVIEW) preview.push(request);
    }
    if (total === 0) throw new UsageError(op.kind === "kick" ? "no user ids given" : "no rooms given", "the input held only blank or # lines");

    const pretty = run.format === "pretty";
    if (pretty && !run.quiet) {
      printBreadcrumb(term, {
        profile: settings.profile,
        sdkAppId,
        region: settings.region,
        endpoint: settings.endpoint.url,
        credentials: op.dryRun ? "not needed for --dry-run" : describeCredentialSource(settings),
      });
    }

    if (op.dryRun) {
      const reporter = new Reporter(run.format, term, await createProgress(term, total, false), run.quiet);
      const { plannedResult } = await import("../run/executor.js");
      for await (const request of plan()) {
        if (io.signal.aborted) return ExitCode.interrupted;
        await reporter.result(plannedResult(request));
      }
      reporter.finish();
      return ExitCode.ok;
    }

    if (!op.yes) {
      if (!(term.stdinIsTTY && term.stderrIsTTY)) throw new UsageError("--yes is required when not running interactively");
      const lines = [
        `About to send ${total} request${total === 1 ? "" : "s"} to SdkAppId ${sdkAppId} in ${settings.region} (${settings.endpoint.url}):`,
        ...preview.map((p) => `  ${p.action} ${describeTarget(p)}`),
        ...(total > PREVIEW ? [`  … and ${total - PREVIEW} more`] : []),
      ];
      const verb = op.kind === "kick" ? "Kick these users" : `Dismiss ${total === 1 ? "this room" : `these ${total} rooms`}`;
      const answer = await confirm(term, lines, `${verb}?`);
      if (answer === "interrupted") throw new CliError("interrupted: nothing was sent", ExitCode.interrupted, "Interrupted");
      if (answer === "no") throw new UsageError("cancelled: nothing was sent");
    }

    const credential = await loadCredential(settings, io.env);
    const [{ TrtcClient }, { execute }, { dispatch }] = await Promise.all([
      import("../trtc/client.js"),
      import("../run/executor.js"),
      import("../run/dispatch.js"),
    ]);
    const client = new TrtcClient({
      endpoint: settings.endpoint,
      region: settings.region,
      credential,
      env: io.env,
      ...(run.debug ? { trace: (event) => printTrace(term, event) } : {}),
    });
    const reporter = new Reporter(run.format, term, await createProgress(term, total, !run.quiet), run.quiet);
    const audit = settings.auditLog ? new AuditLog(settings.auditLog, settings.profile) : undefined;
    let authFailed = false;
    try {
      await execute(plan(), {
        concurrency: run.concurrency,
        rate: run.rate,
        maxAttempts: run.maxAttempts,
        ignoreMissing: op.ignoreMissing,
        signal: io.signal,
        send: (request) => dispatch(client, request, run.timeoutMs),
        onResult: (result) => {
          if (result.error && isAuthCode(result.error.code)) authFailed = true;
          audit?.record(result);
          return reporter.result(result);
        },
        ...(run.debug ? { onRetry: (request, attempt, error, delay) => printRetry(term, request, attempt, error, delay) } : {}),
      });
    } finally {
      await client.close();
    }
    const summary = reporter.finish();
    await audit?.close().catch((err: Error) => printWarning(term, `could not write the audit log ${settings.auditLog}: ${err.message}`));
    return exitCodeFor(summary, authFailed, io.signal.aborted);
  } finally {
    await source.close();
  }
}
