/** One API request as GET /_emulator/requests lists it. */
export interface RequestRecord {
  seq: number;
  time: string;
  /** Milliseconds since the emulator started, at arrival. */
  t: number;
  action: string | null;
  sdkAppId: unknown;
  roomId: unknown;
  userIds?: unknown;
  /** SetUserBlocked*: its one user and IsMute. */
  userId?: unknown;
  isMute?: unknown;
  region: string | null;
  /** What is kept of the Authorization header: its credential scope. */
  credentialScope: string | null;
  outcome: "ok" | "error" | "http" | "hang" | "reset" | "malformed" | "lost";
  code: string | null;
  requestId: string | null;
}
