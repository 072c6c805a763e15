// `npm test`: the typecheck and the suite at the same time. Much of the suite waits (on child
// processes, npm, the API's pacing) rather than computes, so tsc runs in that idle time, at a lower
// priority, instead of holding the suite back by its whole length. Coverage is `npm run coverage`.
// Arguments go to vitest: `npm test -- test/unit`.
import { spawn } from "node:child_process";
import { setPriority } from "node:os";

function run(command, args, { capture = false, niceness = 0 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit" });
    if (niceness && child.pid !== undefined) setPriority(child.pid, niceness);
    let output = "";
    if (capture) for (const stream of [child.stdout, child.stderr]) stream.on("data", (chunk) => (output += chunk));
    child.on("error", (err) => resolve({ code: 1, output: `${err.message}\n` }));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

const [typecheck, suite] = await Promise.all([
  // Captured, then printed after vitest's report rather than into the middle of it.
  run("npm", ["run", "--silent", "typecheck"], { capture: true, niceness: 10 }),
  run(process.execPath, ["node_modules/vitest/vitest.mjs", "run", ...process.argv.slice(2)]),
]);
process.stdout.write(typecheck.output);
if (typecheck.code !== 0) process.stderr.write(`typecheck failed (exit ${typecheck.code})\n`);
process.exitCode = typecheck.code || suite.code;
