import { main } from "../../src/commands/program.js";
import { DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY, type Emulator } from "../../src/emulator/server.js";
import { APP, fakeIo, KEY } from "../inventory/helpers.js";

export interface Serving {
  url: string;
  run: ReturnType<typeof fakeIo>;
  exited: Promise<number>;
  /** The ban-enforced Results printed so far (ndjson). */
  enforced(): { action: string; roomId: number | string; userIds: string[]; status: string; cause: string }[];
  stop(): Promise<number>;
}

/** What a receiver that kicks through the emulator needs: app, callback key, inventory and credentials. */
export function receiverEnv(emu: Emulator, inventory: string): Record<string, string> {
  return {
    TRTC_SDK_APP_ID: String(APP),
    TRTC_CALLBACK_KEY: KEY,
    TRTC_INVENTORY: inventory,
    TRTC_ENDPOINT: emu.url,
    TENCENTCLOUD_SECRET_ID: DEFAULT_SECRET_ID,
    TENCENTCLOUD_SECRET_KEY: DEFAULT_SECRET_KEY,
  };
}

/** `events serve` in this process, kicking through the emulator, its inventory at `inventory`. */
export async function serve(emu: Emulator, inventory: string, env: Record<string, string> = {}, args: string[] = []): Promise<Serving> {
  const run = fakeIo({ ...receiverEnv(emu, inventory), ...env });
  const exited = main(["events", "serve", "--port", "0", "-o", "ndjson", ...args], run.io);
  const url = await run.listening(exited);
  const lines = () =>
    run
      .stdout()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  return {
    url,
    run,
    exited,
    enforced: () => lines().filter((l) => l.cause === "ban-enforced"),
    stop: async () => {
      run.abort.abort();
      return exited;
    },
  };
}

/** Whether `events serve` has printed the stored 103 of this user in this room. */
export function sawEntry(s: Serving, userId: string, roomId: number | string, count = 1): boolean {
  const lines = s.run
    .stdout()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  return lines.filter((l) => l.eventType === 103 && l.userId === userId && l.roomId === roomId && l.status === "stored").length >= count;
}
