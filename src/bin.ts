declare const TRTC_ADMIN_VERSION: string;

// The only place that exits the process or listens for signals.
const argv = process.argv.slice(2);
// Set by a server whose stdout reader stalled: its queued lines must not hold the exit.
let stdoutAbandoned = false;

async function run(): Promise<number> {
  const interrupt = new AbortController();
  const shutdown = new AbortController();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted && signal === "SIGINT") process.exit(130);
    interrupted = true;
    shutdown.abort();
    interrupt.abort();
  };
  // A closed terminal or ssh session (SIGHUP) is an interrupt too: in-flight work is still reported and audited.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);
  // A reader that went away (`| head`, a closed terminal) ends the run like an interrupt: nothing new is sent.
  // A server waits for `shutdown` instead and keeps serving.
  process.stdout.on("error", () => interrupt.abort());
  // Nowhere left to report to; the exit code still tells.
  process.stderr.on("error", () => {});
  const { main } = await import("./commands/program.js");
  return main(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    // Opened on first use: creating process.stdin (a stream over a file, pipe or TTY) costs every run a few milliseconds.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
    signal: interrupt.signal,
    shutdown: shutdown.signal,
    abandonStdout: () => {
      stdoutAbandoned = true;
    },
    // A second Ctrl-C exits at once: what a command spooled is removed all the same.
    atExit: (cleanup) => {
      process.once("exit", cleanup);
      return () => process.removeListener("exit", cleanup);
    },
  });
}

/**
 * Exits once stdout and stderr have taken everything written. A pipe that is full makes Node
 * queue writes, and process.exit() would drop the queue: the last results and the summary.
 */
function exitWhenWritten(code: number): void {
  const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => (stream.writableLength === 0 ? resolve() : stream.write("", () => resolve())));
  void Promise.all([stdoutAbandoned ? undefined : flushed(process.stdout), flushed(process.stderr)]).then(() => process.exit(code));
}

// Answered before the program is loaded: scripts ask for the version often, and it needs nothing else.
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(`${TRTC_ADMIN_VERSION}\n`);
  process.exit(0);
} else {
  void run().then(exitWhenWritten);
}
