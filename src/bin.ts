import { main } from "./commands/program.js";

// The only place that exits the process or listens for signals.
const interrupt = new AbortController();
let interrupted = false;
const onSignal = (signal: NodeJS.Signals) => {
  if (interrupted && signal === "SIGINT") process.exit(130);
  interrupted = true;
  interrupt.abort();
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
// A reader that went away (`| head`) ends the run like an interrupt: nothing new is sent.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code !== "EPIPE") throw err;
  interrupted = true;
  interrupt.abort();
});

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  signal: interrupt.signal,
});
process.exit(code);
