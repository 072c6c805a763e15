import { ConfigError, InterruptedError } from "../errors.js";
import type { TrtcCredential } from "../trtc/client.js";
import type { Settings } from "./resolve.js";

export interface CredentialOptions {
  /** How long credentialCommand may run (the contract's 30 s); tests shorten it. */
  timeoutMs?: number;
}

const COMMAND_TIMEOUT_MS = 30_000;
/** Credentials fit in far less; beyond this the command is broken (or `yes`), and memory stays bounded. */
const MAX_OUTPUT_BYTES = 64 * 1024;
const SHAPE = "it must print a JSON object with string secretId and secretKey";

/** The credential in the command's output, or why there is none (never quoting the output). */
function parseCredential(text: string): TrtcCredential | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `its output is not JSON; ${SHAPE}`;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return SHAPE;
  const { secretId, secretKey, sessionToken } = parsed as Record<string, unknown>;
  if (typeof secretId !== "string" || typeof secretKey !== "string" || !secretId || !secretKey) return SHAPE;
  if (sessionToken !== undefined && sessionToken !== null && typeof sessionToken !== "string") return "its sessionToken is not a string";
  const credential: TrtcCredential = { secretId, secretKey };
  if (typeof sessionToken === "string" && sessionToken) credential.token = sessionToken;
  return credential;
}

async function runCredentialCommand(
  command: string,
  profile: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): Promise<TrtcCredential> {
  const failed = (why: string) =>
    new ConfigError(
      `credentialCommand of profile "${profile}" failed: ${why}`,
      'run the command yourself; it must print JSON {"secretId","secretKey","sessionToken"?}',
    );
  if (signal?.aborted) throw new InterruptedError();
  // Loaded only for profiles that use a command: most runs never start a process.
  const { spawn } = await import("node:child_process");
  if (signal?.aborted) throw new InterruptedError();
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout or interrupt kills everything it started: killing
    // only the shell would leave a child holding stdout open, and us waiting for it.
    const child = spawn(command, { shell: true, detached: true, env, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrBytes = 0;
    let settled = false;
    const settle = (result: TrtcCredential | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    // Settles at once: the pipes may stay open until the last process of the group is gone.
    const kill = (why: Error) => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          child.kill("SIGKILL");
        }
      }
      child.stdout.destroy();
      child.stderr.destroy();
      settle(why);
    };
    const onAbort = () => kill(new InterruptedError());
    const timer = setTimeout(() => kill(failed(`no answer within ${timeoutMs / 1000} s; it and every process it started were killed`)), timeoutMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_OUTPUT_BYTES) kill(failed(`output too large (over ${MAX_OUTPUT_BYTES / 1024} KiB)`));
      else chunks.push(chunk);
    });
    // Its stderr is counted, never echoed: a failing secret helper may print secrets.
    child.stderr.on("data", (chunk: Buffer) => (stderrBytes += chunk.length));
    child.on("error", (err) => settle(failed(err.message)));
    child.on("close", (code, signalName) => {
      if (code !== 0)
        return settle(failed(signalName ? `killed by ${signalName}` : `exit status ${code}${stderrBytes ? ` (${stderrBytes} bytes on stderr)` : ""}`));
      const credential = parseCredential(Buffer.concat(chunks).toString("utf8"));
      settle(typeof credential === "string" ? failed(credential) : credential);
    });
  });
}

/** Describes where the credentials come from, without revealing them. */
export function describeCredentialSource(settings: Settings): string {
  switch (settings.credentials.kind) {
    case "env":
      return "environment (TENCENTCLOUD_SECRET_ID)";
    case "profile":
      return `profile "${settings.profile}"`;
    case "command":
      return `credentialCommand of profile "${settings.profile}"`;
    case "none":
      return "none";
  }
}

/**
 * The credential to sign with. `signal` aborts a running credentialCommand: its process
 * group is killed and the promise rejects with InterruptedError (exit 130).
 */
export async function loadCredential(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
  options: CredentialOptions = {},
): Promise<TrtcCredential> {
  const plan = settings.credentials;
  switch (plan.kind) {
    case "env": {
      const credential: TrtcCredential = { secretId: env.TENCENTCLOUD_SECRET_ID!, secretKey: env.TENCENTCLOUD_SECRET_KEY! };
      if (env.TENCENTCLOUD_SESSION_TOKEN) credential.token = env.TENCENTCLOUD_SESSION_TOKEN;
      return credential;
    }
    case "profile": {
      const credential: TrtcCredential = { secretId: plan.secretId, secretKey: plan.secretKey };
      if (plan.sessionToken) credential.token = plan.sessionToken;
      return credential;
    }
    case "command":
      return runCredentialCommand(plan.command, settings.profile, env, signal, options.timeoutMs ?? COMMAND_TIMEOUT_MS);
    case "none":
      throw new ConfigError(
        `no credentials for profile "${settings.profile}"`,
        "export TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or set secretId/secretKey or credentialCommand in the profile",
      );
  }
}
