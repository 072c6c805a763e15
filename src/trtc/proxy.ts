import type { Agent } from "node:http";
import { isLoopbackHost } from "./endpoint.js";

/** Whether NO_PROXY exempts this host: exact names, ".suffix" or "*.suffix" entries, "*" for all. */
export function bypassesProxy(hostname: string, noProxy: string | undefined): boolean {
  if (isLoopbackHost(hostname)) return true;
  if (!noProxy) return false;
  const host = hostname.toLowerCase();
  return noProxy
    .split(/[\s,]+/)
    .map((entry) => entry.trim().toLowerCase().replace(/:\d+$/, ""))
    .filter(Boolean)
    .some((entry) => {
      if (entry === "*") return true;
      const suffix = entry.replace(/^\*?\./, "");
      return host === suffix || host.endsWith(`.${suffix}`);
    });
}

export function proxyUrlFor(hostname: string, env: NodeJS.ProcessEnv): string | undefined {
  const proxy = env.HTTPS_PROXY || env.https_proxy;
  if (!proxy || bypassesProxy(hostname, env.NO_PROXY ?? env.no_proxy)) return undefined;
  return proxy;
}

/** Why the proxy setting cannot be used, or undefined; never echoes the value, which may hold a password. */
export function proxyProblem(env: NodeJS.ProcessEnv): string | undefined {
  const proxy = env.HTTPS_PROXY || env.https_proxy;
  if (!proxy) return undefined;
  let url: URL;
  try {
    url = new URL(proxy);
  } catch {
    return "not a valid URL";
  }
  return url.protocol === "http:" || url.protocol === "https:" ? undefined : `unsupported scheme ${url.protocol} (use http:// or https://)`;
}

/** Loaded only when a proxy is actually in use, to keep it off the start-up path. */
export async function createProxyAgent(proxyUrl: string): Promise<Agent> {
  const { HttpsProxyAgent } = (await import("https-proxy-agent")).default;
  return new HttpsProxyAgent(proxyUrl, { keepAlive: true }) as unknown as Agent;
}
