import type { ClientEvent } from "../emulator/state.js";
import type { Terminal } from "./terminal.js";

export interface BannerInfo {
  url: string;
  secretId: string;
  secretKey: string;
  apps: number[];
  settings: { rateLimit: number; lenientSigning: boolean };
  /** Where callbacks go, if anywhere (the key is never shown). */
  callbackUrl?: string;
}

/** A callback URL without its query, which may carry a token. */
function shownUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

export function printEmulatorBanner(term: Terminal, info: BannerInfo): void {
  const c = term.outColor;
  const { url, settings, apps } = info;
  term.out(
    [
      `${c.green("TRTC API emulator")} listening on ${c.bold(url)}`,
      `apps: ${apps.join(", ")} · rate limit: ${settings.rateLimit || "off"}${settings.rateLimit ? "/s per action" : ""} · signing: ${settings.lenientSigning ? "lenient" : "strict"}`,
      `room callbacks: ${info.callbackUrl ? `signed, to ${shownUrl(info.callbackUrl)}` : "off (--callback-url)"}`,
      `control API: ${url}/_emulator/state (see README)`,
      "Point trtc-admin at it:",
      `  export TRTC_ENDPOINT=${url}`,
      `  export TENCENTCLOUD_SECRET_ID=${info.secretId}`,
      `  export TENCENTCLOUD_SECRET_KEY=${info.secretKey}   # emulator test key, not a real secret`,
      `  export TRTC_SDK_APP_ID=${apps[0] ?? ""}`,
      "Client events (Ctrl-C to stop):",
      "",
    ].join("\n"),
  );
}

const EXIT = ["left", "kicked out by the server", "room dismissed"];
const REMOTE_LEAVE: Record<number, string> = { 0: "leave", 2: "kicked out" };

function describe(event: ClientEvent): string {
  const remote = event.remoteUserId;
  switch (event.event) {
    case "onEnterRoom":
      return "onEnterRoom entered the room";
    case "onExitRoom":
      return `onExitRoom(${event.reason}) ${EXIT[event.reason!]}`;
    case "onRemoteUserEnterRoom":
      return `onRemoteUserEnterRoom(${remote}) saw ${remote} enter`;
    case "onRemoteUserLeaveRoom":
      return `onRemoteUserLeaveRoom(${remote}, ${event.reason}) saw ${remote} ${REMOTE_LEAVE[event.reason!]}`;
    case "onUserAudioAvailable":
    case "onUserVideoAvailable": {
      const medium = event.event === "onUserAudioAvailable" ? "audio" : "video";
      return `${event.event}(${remote}, ${event.available}) ${medium} ${event.available ? "unblocked" : "blocked"} by the server (emulated)`;
    }
  }
}

/** What a TRTC client SDK in the room would have been told. */
export function renderClientEvent(event: ClientEvent): string {
  const room = event.roomIdType === "string" ? JSON.stringify(event.roomId) : String(event.roomId);
  return `${event.time.slice(11, 23)} app ${event.sdkAppId} room ${room} ${event.userId}: ${describe(event)}`;
}

export function printClientEvent(term: Terminal, event: ClientEvent): void {
  term.out(`${renderClientEvent(event)}\n`);
}
