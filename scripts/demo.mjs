// Runs the emulator, kicks a user and dismisses a room with trtc-admin, and shows what the clients saw.
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = `${root}bin/trtc-admin.js`;
const emulator = spawn(process.execPath, [bin, "emulator", "--port", "0", "--seed", `${root}examples/demo-seed.yaml`], { stdio: ["ignore", "pipe", "inherit"] });
const lines = createInterface({ input: emulator.stdout });
const url = await new Promise((resolve, reject) => {
  emulator.once("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
  lines.on("line", (line) => {
    const found = /listening on (\S+)/.exec(line)?.[1];
    if (found) resolve(found);
    else if (/^\d\d:\d\d/.test(line)) console.log(`  [client] ${line}`);
  });
});
const env = {
  ...process.env,
  TRTC_ENDPOINT: url,
  TENCENTCLOUD_SECRET_ID: "AKIDtrtcEmulatorTestId0000000000",
  TENCENTCLOUD_SECRET_KEY: "trtcEmulatorTestSecretKey0000000",
  TRTC_SDK_APP_ID: "1400000001",
};
const step = async (title, args) => {
  console.log(`\n$ trtc-admin ${args.join(" ")}    # ${title}`);
  const { status } = spawnSync(process.execPath, [bin, ...args], { env, stdio: "inherit" });
  await new Promise((r) => setTimeout(r, 100)); // let the emulator's event lines arrive
  return status;
};

console.log(`emulator at ${url} with numeric room 1234 [alice, bob, carol], string rooms "standup" [dave, erin] and "1234" [frank]`);
const codes = [
  await step("kick alice from numeric room 1234", ["kick", "1234", "alice", "--yes"]),
  await step('dismiss string room "standup"', ["dismiss", "standup", "--yes"]),
  await step("numeric 1234 and string \"1234\" are different rooms", ["dismiss", "--str-room", "1234", "--dry-run"]),
];
const state = await (await fetch(`${url}/_emulator/state`)).json();
console.log(`\nrooms left: ${JSON.stringify(state.apps[0])}`);
emulator.kill("SIGINT");
process.exitCode = codes.every((c) => c === 0) ? 0 : 1;
