// The main job on the built-in emulator: kick, dismiss and mute, then the room inventory's whole
// loop (clients enter, the receiver sees them, rooms list, dismiss --live, the callbacks close them),
// and the operator's path: find a user, read the room's history, kick with --wait (verified).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = `${root}bin/trtc-admin.cjs`;
const state = mkdtempSync(join(tmpdir(), "trtc-demo-"));
const CALLBACK_KEY = "demoCallbackKey";
const env = {
  PATH: process.env.PATH,
  HOME: state,
  XDG_STATE_HOME: state,
  NO_COLOR: process.env.NO_COLOR,
  TENCENTCLOUD_SECRET_ID: "AKIDtrtcEmulatorTestId0000000000",
  TENCENTCLOUD_SECRET_KEY: "trtcEmulatorTestSecretKey0000000",
  TRTC_SDK_APP_ID: "1400000001",
  TRTC_CALLBACK_KEY: CALLBACK_KEY,
};

/** Starts a long-running trtc-admin command and resolves with the URL it announces. */
function start(args, pattern, label, extraEnv = {}) {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${args[0]} exited with ${code}`)));
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        const found = pattern.exec(line)?.[1];
        if (found) resolve({ child, url: found });
        else if (/^\d\d:\d\d/.test(line)) console.log(`  [${label}] ${line}`);
      });
    }
  });
}

const pause = (ms) => new Promise((r) => setTimeout(r, ms));
const receiver = await start(["events", "serve", "--port", "0"], / on (http:\/\/\S+)/, "receiver");
const emulator = await start(
  ["emulator", "--port", "0", "--seed", `${root}examples/demo-seed.yaml`, "--callback-url", receiver.url],
  /listening on (\S+)/,
  "client",
  {
    TRTC_EMULATOR_CALLBACK_KEY: CALLBACK_KEY,
  },
);
env.TRTC_ENDPOINT = emulator.url;

const step = async (title, args) => {
  console.log(`\n$ trtc-admin ${args.join(" ")}    # ${title}`);
  const { status } = spawnSync(process.execPath, [bin, ...args], { env, stdio: "inherit" });
  await pause(150); // let the clients' and the receiver's lines arrive
  return status;
};
const enter = async (roomId, userId) => {
  console.log(`\n# a client enters: ${userId} in room ${JSON.stringify(roomId)}`);
  const body = JSON.stringify({ sdkAppId: 1400000001, roomId, userId, action: "enter" });
  await fetch(`${emulator.url}/_emulator/clients`, { method: "POST", headers: { "Content-Type": "application/json" }, body });
  await pause(150);
};

console.log(`emulator at ${emulator.url} with numeric room 1234 [alice, bob, carol], string rooms "standup" [dave, erin] and "1234" [frank]`);
console.log(`receiver (events serve) at ${receiver.url}, storing room callbacks in ${state}`);
const codes = [
  await step("kick alice from numeric room 1234", ["kick", "1234", "alice", "--yes"]),
  await step("mute bob's audio in room 1234", ["mute", "1234", "bob", "--audio-only", "--yes"]),
  await step('dismiss string room "standup"', ["dismiss", "standup", "--yes"]),
  await step('numeric 1234 and string "1234" are different rooms', ["dismiss", "--str-room", "1234", "--dry-run"]),
];
await enter("ci-run-7", "grace");
await enter("ci-run-8", "heidi");
codes.push(
  await step("what the callbacks say is live now", ["rooms", "list"]),
  await step("a CI cleanup that needs no room list", ["dismiss", "--live", "--match", "ci-run-*", "--yes"]),
  await step("the dismissed rooms are closed", ["rooms", "list", "--all", "--match", "ci-run-*"]),
);
// The operator's path: a user reports a troll.
await enter(4321, "ivan");
await enter(4321, "troll42");
codes.push(
  await step("where is troll42 right now?", ["rooms", "list", "--member", "troll42"]),
  await step("what happened in room 4321", ["rooms", "history", "4321"]),
  await step("kick troll42 and wait until TRTC reports the kick (104, kicked)", ["kick", "4321", "troll42", "--wait", "10s", "--yes"]),
  await step("troll42 is in no room now", ["rooms", "list", "--member", "troll42"]),
);
emulator.child.kill("SIGINT");
receiver.child.kill("SIGINT");
await pause(200);
rmSync(state, { recursive: true, force: true });
process.exitCode = codes.every((c) => c === 0) ? 0 : 1;
