import { describeCredentialSource, loadCredential } from "../config/credentials.js";
import { loadConfig } from "../config/load.js";
import { requireSdkAppId, resolveSettings } from "../config/resolve.js";
import { ConfigError, ExitCode, InterruptedError, UsageError } from "../errors.js";
import { proxyProblem } from "../trtc/proxy.js";
import { AuditLog } from "../output/audit.js";
import { printBreadcrumb, printRetry, printTrace, printWarning } from "../output/messages.js";
import { createProgress } from "../output/progress.js";
import { roomLabel } from "../output/render.js";
import { Reporter } from "../output/reporter.js";
import { parseRoom } from "../plan/ids.js";
import { openInput } from "../plan/input.js";
import { checkArguments, planDismiss, planKick, planMute } from "../plan/plan.js";
import { Repeats } from "../plan/repeats.js";
import { plannedResult, type IsMute, type OperationKind, type PlannedRequest, type RoomIdMode } from "../plan/types.js";
import type { Context } from "./context.js";

export interface RoomOperation {
  kind: OperationKind;
  /** kick and mute: the room argument. */
  room?: string;
  /** kick and mute: user ids; dismiss: rooms. */
  items: string[];
  /** mute: 0 unmute, 1 audio and video, 2 audio only, 3 video only. */
  isMute?: IsMute;
  fromFile?: string;
  /** Forced by --str-room/--numeric-room or by an API-named command. */
  roomIdMode?: RoomIdMode;
  yes: boolean;
  dryRun: boolean;
  ignoreMissing: boolean;
}

const PREVIEW = 5;

function describeTarget(request: PlannedRequest): string {
  const room = `room ${roomLabel({ roomId: request.room.id, roomIdType: request.room.type })}`;
  return request.userIds ? `${room}: ${request.userIds.join(", ")}` : room;
}

function throwIfInterrupted(signal: AbortSignal): void {
  if (signal.aborted) throw new InterruptedError();
}

/** kick and dismiss: validate everything, confirm, then send under the scheduler. */
export async function runRoomOperation(ctx: Context, op: RoomOperation): Promise<number> {
  const { io, term, run } = ctx;
  if (op.items.length === 0 && op.fromFile === undefined) {
    throw new UsageError(op.kind === "dismiss" ? "no rooms given" : "no user ids given", "pass them as arguments or with --from-file <path|->");
  }
  if (op.fromFile === "-" && !op.yes && !op.dryRun) {
    throw new UsageError("--yes is required with --from-file -", "standard input carries the ids, so it cannot also answer the confirmation");
  }
  if (!op.yes && !op.dryRun && !(term.stdinIsTTY && term.stderrIsTTY)) throw new UsageError("--yes is required when not running interactively");
  checkArguments(op.kind, op.room, op.items, op.roomIdMode);
  // The sending engine (client, signer, scheduler) loads while config and input are read.
  const engine = op.dryRun ? undefined : import("../run/send.js");
  engine?.catch(() => undefined);

  const settings = resolveSettings(await loadConfig(ctx.flags.config, io.cwd, io.env), ctx.flags, io.env);
  throwIfInterrupted(io.signal);
  const mode = op.roomIdMode ?? settings.roomIdMode;
  const room = op.kind === "dismiss" ? undefined : parseRoom(op.room!, mode);
  const source = await openInput(op.items, op.fromFile, io.stdin, io.signal);
  try {
    const repeats = new Repeats();
    const plan = (sdkAppId: number) => {
      if (op.kind === "kick") return planKick(sdkAppId, room!, source.items(), repeats);
      if (op.kind === "mute") return planMute(sdkAppId, room!, source.items(), op.isMute!, repeats);
      return planDismiss(sdkAppId, source.items(), mode, repeats);
    };

    // Validation pass: every id is checked before anything is sent, and before a missing SdkAppId is reported.
    let total = 0;
    const preview: PlannedRequest[] = [];
    for await (const request of plan(settings.sdkAppId ?? 0)) {
      if (total++ < PREVIEW) preview.push(request);
      if (total % 1024 === 0) throwIfInterrupted(io.signal);
    }
    if (total === 0) throw new UsageError(op.kind === "dismiss" ? "no rooms given" : "no user ids given", "the input held only blank or # lines");
    const sdkAppId = requireSdkAppId(settings);
    if (!op.dryRun && proxyProblem(io.env)) throw new ConfigError(`HTTPS_PROXY: ${proxyProblem(io.env)}`, "set HTTPS_PROXY to a URL such as http://proxy.example:3128, or unset it");
    throwIfInterrupted(io.signal);

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
      for await (const request of plan(sdkAppId)) {
        throwIfInterrupted(io.signal);
        await reporter.result(plannedResult(request));
      }
      reporter.finish();
      return ExitCode.ok;
    }

    // A run that cannot be audited does not start; a write that fails mid-run stops new requests.
    const auditFailed = new AbortController();
    const audit = settings.auditLog ? await AuditLog.open(settings.auditLog, settings.profile, () => auditFailed.abort()) : undefined;
    try {
      throwIfInterrupted(io.signal);
      if (!op.yes) {
        const lines = [
          `About to send ${total} request${total === 1 ? "" : "s"} to SdkAppId ${sdkAppId} in ${settings.region} (${settings.endpoint.url}):`,
          ...preview.map((p) => `  ${p.action} ${describeTarget(p)}`),
          ...(total > PREVIEW ? [`  … and ${total - PREVIEW} more`] : []),
        ];
        const verb = op.kind === "kick" ? "Kick these users" : op.kind === "mute" ? `${op.isMute === 0 ? "Unmute" : "Mute"} these users` : `Dismiss ${total === 1 ? "this room" : `these ${total} rooms`}`;
        const { confirm } = await import("../output/prompt.js");
        const answer = await confirm(term, lines, `${verb}?`);
        if (answer === "interrupted") throw new InterruptedError();
        if (answer === "no") throw new UsageError("cancelled: nothing was sent");
      }

      const credential = await loadCredential(settings, io.env, io.signal);
      throwIfInterrupted(io.signal);
      const { sendAll, exitCodeFor } = await engine!;
      const reporter = new Reporter(run.format, term, await createProgress(term, total, !run.quiet), run.quiet);
      const report = await sendAll(
        plan(sdkAppId),
        {
          endpoint: settings.endpoint,
          region: settings.region,
          credential,
          env: io.env,
          concurrency: run.concurrency,
          rate: run.rate,
          maxAttempts: run.maxAttempts,
          timeoutMs: run.timeoutMs,
          ignoreMissing: op.ignoreMissing,
          signal: AbortSignal.any([io.signal, auditFailed.signal]),
          ...(run.debug ? { trace: (event) => printTrace(term, event), onRetry: (request, attempt, error, delay) => printRetry(term, request, attempt, error, delay) } : {}),
        },
        (result) => {
          audit?.record(result);
          return reporter.result(result);
        },
      );
      const summary = reporter.finish();
      const code = exitCodeFor(summary, report, io.signal.aborted);
      const auditError = await audit?.close().then(() => undefined, (err: Error) => err);
      if (!auditError) return code;
      printWarning(term, `could not write the audit log ${settings.auditLog}: ${(auditError as NodeJS.ErrnoException).code ?? auditError.message}; no request was sent after the failure`);
      return code === ExitCode.ok ? ExitCode.failed : code;
    } finally {
      await audit?.close().catch(() => undefined);
    }
  } finally {
    await source.close();
  }
}
