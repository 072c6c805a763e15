import { isIP } from "node:net";
import { UsageError } from "../errors.js";

export const DEFAULT_ENDPOINT = "trtc.tencentcloudapi.com";
/** Regions the four room actions accept. */
export const REGIONS: readonly string[] = ["ap-beijing", "ap-guangzhou", "ap-singapore"];

export interface Endpoint {
  /** Origin plus "/", the URL every request is posted to. */
  url: string;
  protocol: "http:" | "https:";
  hostname: string;
  port: number;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

/** Accepts a bare host ("trtc.intl.tencentcloudapi.com") or a URL; plain http only for loopback. */
export function parseEndpoint(value: string): Endpoint {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`invalid endpoint "${value}": expected a host name or an http(s) URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`invalid endpoint "${value}": only https:// (or http:// on loopback) is supported`);
  if (url.pathname !== "/" || url.search || url.username || url.password) throw new UsageError(`invalid endpoint "${value}": give only scheme, host and port; requests always go to "/"`);
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new UsageError(`refusing plain http:// endpoint "${value}": http is allowed only for loopback hosts such as the emulator`, "use https:// or a bare host name");
  }
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  return { url: `${url.protocol}//${url.host}/`, protocol: url.protocol, hostname: url.hostname, port };
}
