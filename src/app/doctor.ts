import { describeCredentialSource, loadCredential } from "../config/credentials.js";
import type { LoadedConfig } from "../config/load.js";
import { resolveSettings, type Settings } from "../config/resolve.js";
import { ConfigError, untilInterrupted } from "../errors.js";
import { storeExists, urlLabel } from "../store/url.js";
import { isAuthCode } from "../trtc/errors.js";
import { inventoryUrl, openInventory } from "./inventory.js";
import { loadConfigOf, type Session } from "./session.js";

/** One line of `doctor`. */
export interface Check {
  ok: boolean;
  message: string;
  /** Passes (the exit code is unchanged) but is not green: something to look at. */
  warning?: boolean;
}

/** How the worst check went: the edge makes the exit code of it (src/exit-codes.ts). */
export type DoctorVerdict = "ok" | "failed" | "auth" | "config";

const MAX_SKEW_S = 300;

/** A read-only signed call: any answer other than AuthFailure proves the credentials; its Date header shows clock skew. */
async function probe(session: Session, settings: Settings, checks: Check[]): Promise<DoctorVerdict> {
  const credential = await loadCredential(settings, session.io.env, session.io.signal);
  const { TrtcClient } = await import("../trtc/client.js");
  const client = new TrtcClient({ endpoint: settings.endpoint, region: settings.region, credential, env: session.io.env });
  const now = Math.floor(Date.now() / 1000);
  const { error, date } = await client.probe("DescribeRoomInfo", { SdkAppId: settings.sdkAppId, StartTime: now - 60, EndTime: now }, session.run.timeoutMs);
  await client.close();
  if (error && (error.kind === "network" || error.kind === "timeout")) {
    checks.push({ ok: false, message: `endpoint ${settings.endpoint.url} unreachable: ${error.message}` });
    return "failed";
  }
  checks.push({ ok: true, message: `endpoint ${settings.endpoint.url} answered` });
  let verdict: DoctorVerdict = "ok";
  if (date) {
    const skew = Math.round((Date.now() - Date.parse(date)) / 1000);
    const ok = Math.abs(skew) <= MAX_SKEW_S;
    checks.push({ ok, message: `clock: ${skew >= 0 ? "+" : ""}${skew} s against the endpoint (TRTC allows ${MAX_SKEW_S} s)` });
    if (!ok) verdict = "failed";
  }
  if (error && isAuthCode(error.code)) {
    checks.push({ ok: false, message: `credentials rejected: ${error.code}: ${error.message}${error.requestId ? ` (RequestId ${error.requestId})` : ""}` });
    return "auth";
  }
  checks.push({ ok: true, message: `credentials accepted (signature verified${error ? `; the probe answered ${error.code}, which is expected` : ""})` });
  return verdict;
}

/** No callback for this long and `doctor` warns that the inventory may be blind: is the receiver still running? */
const SILENT_AFTER_MS = 3_600_000;

/**
 * The inventory's store and its coverage. An embedded store that does not exist yet is reported, not
 * created; one that never received a callback for the SdkAppId, or none for an hour, is a warning
 * (it would show no room, or stale ones); a store that cannot be opened fails the check (exit 1).
 */
async function inventoryCheck(session: Session, loaded: LoadedConfig | undefined, inventory: string | undefined, sdkAppId: number): Promise<Check> {
  const url = inventoryUrl(session, loaded, inventory);
  const label = urlLabel(url);
  const blind = "`rooms list`, `dismiss --live` and `ban --all-rooms` see no room until `events serve` or `events ingest` receives this app's callbacks";
  const noneYet: Check = { ok: true, warning: true, message: `inventory ${label}: none yet; ${blind}` };
  if (!storeExists(url)) return noneYet;
  // A database without the inventory's tables (a new PostgreSQL schema) is none yet too: doctor creates nothing.
  const empty = new ConfigError("no tables");
  try {
    const store = await openInventory(url, undefined, () => empty);
    try {
      const coverage = await store.coverage(sdkAppId);
      if (!coverage) return { ok: true, warning: true, message: `inventory ${label}: no callback ever received for SdkAppId ${sdkAppId}; ${blind}` };
      const covers = `inventory ${label}: callbacks received since ${coverage.since}, latest ${coverage.lastEventAt}`;
      if (Date.now() - Date.parse(coverage.lastEventAt) < SILENT_AFTER_MS) return { ok: true, message: covers };
      return {
        ok: true,
        warning: true,
        message: `${covers}: none for over an hour; is \`events serve\` running and the console's callback URL pointing at it?`,
      };
    } finally {
      await store.close();
    }
  } catch (err) {
    return err === empty ? noneYet : { ok: false, message: (err as Error).message };
  }
}

/** Runs every check (`inventory`: --inventory); the verdict says how the worst one went. */
export async function doctor(session: Session, inventory: string | undefined): Promise<{ checks: Check[]; verdict: DoctorVerdict }> {
  const checks: Check[] = [];
  const verdict = await runChecks(session, checks, inventory);
  return { checks, verdict };
}

async function runChecks(session: Session, checks: Check[], inventory: string | undefined): Promise<DoctorVerdict> {
  const loaded = await loadConfigOf(session);
  checks.push({ ok: true, message: loaded ? `config ${loaded.path}` : "no config file (using flags and environment)" });
  const settings = resolveSettings(loaded, session.flags, session.io.env);
  checks.push({ ok: true, message: `profile ${settings.profile}, region ${settings.region}, endpoint ${settings.endpoint.url}` });
  const hasApp = settings.sdkAppId !== undefined;
  checks.push({ ok: hasApp, message: hasApp ? `SdkAppId ${settings.sdkAppId}` : "no SdkAppId (set sdkAppId, TRTC_SDK_APP_ID or --sdk-app-id)" });
  const hasCredentials = settings.credentials.kind !== "none";
  checks.push({ ok: hasCredentials, message: `credentials from ${describeCredentialSource(settings)}` });
  // A locked or slow store must not hold an interrupt.
  const stored =
    settings.sdkAppId === undefined ? undefined : await untilInterrupted(inventoryCheck(session, loaded, inventory, settings.sdkAppId), session.io.signal);
  if (stored) checks.push(stored);
  if (!hasCredentials || !hasApp) return "config";
  const verdict = await probe(session, settings, checks);
  return stored?.ok === false && verdict === "ok" ? "failed" : verdict;
}
