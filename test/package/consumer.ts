// A program that uses the installed package; type-checked with tsc, then run against the emulator.
import { dismiss, kick, plan, type Result, UsageError } from "trtc-admin";

const options = {
  sdkAppId: Number(process.env.APP),
  endpoint: process.env.ENDPOINT!,
  credential: { secretId: process.env.SECRET_ID!, secretKey: process.env.SECRET_KEY! },
};
const seen: Result[] = [];
const planned = await plan("kick", { room: 1234, userIds: ["alice", "bob", "alice"] }, options);
const kicked = await kick(1234, ["alice"], { ...options, onResult: (r) => void seen.push(r) });
const dismissed = await dismiss(["standup", 1234], { ...options, ignoreMissing: true });
let usage: number | undefined;
let errorName: string | undefined;
try {
  await dismiss(["a/b"], options);
} catch (err) {
  if (err instanceof UsageError) [usage, errorName] = [err.exitCode, err.name];
}
process.stdout.write(`${JSON.stringify({ planned, kicked, dismissed, streamed: seen.length, usage, errorName })}\n`);
