import { spawn } from "node:child_process";
import { ConfigError } from "../errors.js";
import type { TrtcCredential } from "../trtc/client.js";
import type { Settings } from "./resolve.js";

const COMMAND_TIMEOUT_MS = 30_000;

function runCredentialCommand(command: string, profile: string): Promise<TrtcCredential> {
  const failed = (why: string) => new ConfigError(`credentialCommand of profile "${profile}" failed: ${why}`, "run the command yourself; it must print JSON {\"secretId\",\"secretKey\",\"sessionToken\"?}");
  return new Promise((resolve, reject) => {
    const child = spawn(command, { shell: true, stdio: ["ignore", "pipe", "pipe"], timeout: COMMAND_TIMEOUT_MS });
    let stdout = "";
    let stderrBytes = 0;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    // Its stderr is counted, never echoed: a failing secret helper may print secrets.
    child.stderr.on("data", (chunk: Buffer) => (stderrBytes += chunk.length));
    child.on("error", (err) => reject(failed(err.message)));
    child.on("close", (code, signal) => {
      if (code !== 0) return reject(failed(signal ? `killed by ${signal}` : `exit status ${code}${stderrBytes ? ` (${stderrBytes} bytes on stderr)` : ""}`));
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(stdout) as Record<string, unknown>;
      } catch {
        return reject(failed("its output is not JSON"));
      }
      const { secretId, secretKey, sessionToken } = parsed;
      if (typeof secretId !== "string" || typeof secretKey !== "string" || !secretId || !secretKey) return reject(failed("its JSON lacks secretId or secretKey"));
      const credential: TrtcCredential = { secretId, secretKey };
      if (typeof sessionToken === "string" && sessionToken) credential.token = sessionToken;
      resolve(credential);
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

export async function loadCredential(settings: Settings, env: NodeJS.ProcessEnv): Promise<TrtcCredential> {
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
      return runCredentialCommand(plan.command, settings.profile);
    case "none":
      throw new ConfigError(
        `no credentials for profile "${settings.profile}"`,
        "export TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or set secretId/secretKey or credentialCommand in the profile",
      );
  }
}
