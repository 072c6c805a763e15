import type { ClientEvent } from "../emulator/state.js";
import type { Terminal } from "./terminal.js";

export function printEmulatorBanner(term: Terminal, url: string, secretId: string, secretKey: string, apps: number[], settings: { rateLimit: number; lenientSigning: boolean }): void {
  const c = term.outColor;
  term.out(
    [
      `${c.green("TRTC API emulator")} listening on ${c.bold(url)}`,
      `apps: ${apps.join(", ")} · rate limit: ${settings.rateLimit || "off"}${settings.rateLimit ? "/s per action" : ""} · signing: ${settings.lenientSigning ? "lenient" : "strict"}`,
      `control API: ${url}/_emulator/state (see README)`,
      "Point trtc-admin at it:",
      `  export TRTC_ENDPOINT=${url}`,
      `  export TENCENTCLOUD_SECRET_ID=${secretId}`,
      `  export TENCENTCLOUD_SECRET_KEY=${secretKey}   # emulator test key, not a real secret`,
      `  export TRTC_SDK_APP_ID=${apps[0] ?? ""}`,
      "Client events (Ctrl-C to stop):",
      "",
    ].join("\n"),
  );
}

/** What a TRTC client SDK in the room would have been told. */
export function renderClientEvent(event: ClientEvent): string {
  const room = event.roomIdType === "string" ? JSON.stringify(event.roomId) : String(event.roomId);
  const what =
    event.event === "onExitRoom"
      ? `onExitRoom(${event.reason}) ${event.reason === 1 ? "kicked out by the server" : "room dismissed"}`
      : `onRemoteUserLeaveRoom(${event.remoteUserId}, ${event.reason}) saw ${event.remoteUserId} kicked out`;
  return `${event.time.slice(11, 23)} app ${event.sdkAppId} room ${room} ${event.userId}: ${what}`;
}

export function printClientEvent(term: Terminal, event: ClientEvent): void {
  term.out(`${renderClientEvent(event)}\n`);
}
