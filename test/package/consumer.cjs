// A CommonJS program that requires the installed package: createAdmin reads the .trtcrc of its cwd.
const { createAdmin, UsageError } = require("trtc-admin");

async function main() {
  const admin = createAdmin({ cwd: process.cwd() });
  const report = await admin.kick("5678", ["dave"]);
  const misuse = await admin.kick(-1, ["dave"]).catch((err) => err instanceof UsageError && err.exitCode);
  await admin.close();
  process.stdout.write(`${JSON.stringify({ report, misuse })}\n`);
}
main();
