import { UsageError } from "../errors.js";
import { parseRoom, validateUserId } from "./ids.js";
import { type AtExit, INPUT_LIMITS, type InputItem, type InputSource, openInput } from "./input.js";
import { MAX_USERS_PER_KICK } from "./plan.js";
import { actionFor, type IsMute, type OperationKind, type PlannedRequest, type RoomIdType, type RoomKey } from "./types.js";

/** What an earlier run's results must hold to be retried by this command. */
export interface RetryTarget {
  kind: OperationKind;
  /** mute and unmute: whether the command unmutes (IsMute 0) or mutes (1-3). */
  unmute?: boolean;
  /** The run's SdkAppId, when the configuration has one: a result of another app is refused. */
  sdkAppId?: number;
}

const STATUSES = new Set(["done", "already-gone", "failed", "planned", "not-started"]);
const RETRIED = new Set(["failed", "not-started"]);
/** A json document is parsed whole; past this, the ndjson form (read a line at a time) is the way. */
const MAX_DOCUMENT_CHARS = 64 << 20;

/** A value from the file, shortened for a message: the file is not trusted to be small or printable. */
const shown = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Snapshots the results file under --from-file's limits (size, line length, interrupts). */
export async function openResults(path: string, stdin: () => NodeJS.ReadableStream, signal: AbortSignal, tmp?: string, atExit?: AtExit): Promise<InputSource> {
  try {
    return await openInput([], path, stdin, signal, tmp, INPUT_LIMITS, atExit);
  } catch (err) {
    if (err instanceof UsageError && err.message.startsWith("cannot read --from-file"))
      throw new UsageError(err.message.replace("--from-file", "--retry-from"), err.hint);
    throw err;
  }
}

function parseLine(item: InputItem): unknown {
  try {
    return JSON.parse(item.value);
  } catch {
    throw new UsageError(`${item.origin}: not JSON; expected the ndjson or json results of an earlier run`);
  }
}

/**
 * Every Result of the file with where it is: ndjson (one a line, the summary line skipped), or a
 * json document `{"results": [...]}` on one line or many (as `--output json` writes it).
 */
async function* resultsOf(source: InputSource, label: string): AsyncGenerator<InputItem & { result: unknown }> {
  let lines: AsyncIterator<InputItem> | undefined = source.items()[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) return;
  let doc: unknown;
  try {
    doc = JSON.parse(first.value.value);
  } catch {
    if (!first.value.value.startsWith("{")) parseLine(first.value);
    // A document over several lines: JSON strings hold no raw newline, so the lines join back into it.
    let text = first.value.value;
    for (let next = await lines.next(); !next.done; next = await lines.next()) {
      text += `\n${next.value.value}`;
      if (text.length > MAX_DOCUMENT_CHARS)
        throw new UsageError(`${label}: a json document over ${MAX_DOCUMENT_CHARS} characters`, "retry from the run's --output ndjson results instead");
    }
    lines = undefined;
    doc = parseLine({ value: text, origin: label });
  }
  if (isObject(doc) && "results" in doc) {
    if (!Array.isArray(doc.results)) throw new UsageError(`${label}: "results" is not an array`);
    if (lines && !(await lines.next()).done) throw new UsageError(`${label}: text after the json document`);
    for (const [i, result] of doc.results.entries()) yield { value: "", origin: `${label}: results[${i}]`, result };
    return;
  }
  if (!lines) throw new UsageError(`${label}: expected {"results": [...]} or one Result a line`);
  for (let item: IteratorResult<InputItem> = first; !item.done; item = await lines.next()) {
    const result = item === first ? doc : parseLine(item.value);
    if (isObject(result) && "summary" in result && !("action" in result)) continue;
    yield { ...item.value, result };
  }
}

function roomOf(r: Record<string, unknown>, fail: (message: string) => never): RoomKey {
  const type = r.roomIdType;
  if (type !== "numeric" && type !== "string") return fail(`roomIdType ${shown(type)} is not "numeric" or "string"`);
  if (typeof r.roomId !== (type === "numeric" ? "number" : "string")) return fail(`roomId ${shown(r.roomId)} is not a ${type} room id`);
  return parseRoom(String(r.roomId), type as RoomIdType);
}

function usersOf(r: Record<string, unknown>, fail: (message: string) => never, most: number): string[] {
  const ids = r.userIds;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > most) return fail(`userIds must be a list of 1 to ${most} user ids`);
  return ids.map((id) => (typeof id === "string" ? validateUserId(id) : fail(`user id ${shown(id)} is not a string`)));
}

/** The request a checked Result names: its users and isMute are checked here, as the command's kind needs them. */
function requestFor(
  target: RetryTarget,
  to: { sdkAppId: number; room: RoomKey },
  result: Record<string, unknown>,
  fail: (message: string) => never,
): PlannedRequest {
  const type = to.room.roomIdType;
  if (target.kind === "dismiss") return { action: actionFor("dismiss", type), ...to };
  if (target.kind === "kick") return { action: actionFor("kick", type), ...to, userIds: usersOf(result, fail, MAX_USERS_PER_KICK) };
  const [userId] = usersOf(result, fail, 1);
  const allowed = target.unmute ? [0] : [1, 2, 3];
  if (!allowed.includes(result.isMute as number)) return fail(`isMute ${shown(result.isMute)} is not ${target.unmute ? "0 (unmute)" : "1, 2 or 3 (mute)"}`);
  return { action: actionFor("mute", type), ...to, userIds: [userId!], isMute: result.isMute as IsMute };
}

/** One Result checked like any input; its request when it is to be re-run (failed or not-started). */
function requestOf(result: unknown, target: RetryTarget, fail: (message: string) => never): PlannedRequest | undefined {
  if (!isObject(result)) return fail("not a Result object");
  if (typeof result.status !== "string" || !STATUSES.has(result.status)) return fail(`status ${shown(result.status)} is not a Result status`);
  const room = roomOf(result, fail);
  const action = actionFor(target.kind, room.roomIdType);
  if (result.action !== action) return fail(`action ${shown(result.action)} is not what this command sends to a ${room.roomIdType} room (${action})`);
  const sdkAppId = result.sdkAppId;
  if (typeof sdkAppId !== "number" || !Number.isSafeInteger(sdkAppId)) return fail(`sdkAppId ${shown(sdkAppId)} is not an SdkAppId`);
  if (target.sdkAppId !== undefined && sdkAppId !== target.sdkAppId)
    return fail(`SdkAppId ${sdkAppId} is not this run's (${target.sdkAppId}): select the earlier run's profile or --sdk-app-id`);
  const request = requestFor(target, { sdkAppId, room }, result, fail);
  return RETRIED.has(result.status) ? request : undefined;
}

/** The failed and not-started requests of an earlier run's results, in their order; every Result is checked. */
export async function* retryRequests(source: InputSource, label: string, target: RetryTarget): AsyncGenerator<PlannedRequest> {
  for await (const { origin, result } of resultsOf(source, label)) {
    const fail = (message: string): never => {
      throw new UsageError(`${origin}: ${message}`);
    };
    let request: PlannedRequest | undefined;
    try {
      request = requestOf(result, target, fail);
    } catch (err) {
      if (err instanceof UsageError && !err.message.startsWith(origin)) throw new UsageError(`${origin}: ${err.message}`, err.hint);
      throw err;
    }
    if (request) yield request;
  }
}
