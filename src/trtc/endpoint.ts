import { isIP } from "node:net";
import { UsageError } from "../errors.js";

export const DEFAULT_ENDPOINT = "trtc.tencentcloudapi.com";
/** Regions the four room actions accept. */
/** Where requests go when no region is configured. */
export const DEFAULT_REGION = "ap-guangzhou";
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

/** The endpoint for messages, with any `user:password@` masked: messages must not carry credentials. */
function shown(value: string, url?: URL): string {
  if (url) return `${url.protocol}//${url.username || url.password ? "***@" : ""}${url.host}${url.pathname === "/" ? "" : url.pathname}${url.search}`;
  return value.includes("@") ? `***@${value.slice(value.lastIndexOf("@") + 1)}` : value;
}

/** Accepts a bare host ("trtc.intl.tencentcloudapi.com") or a URL; plain http only for loopback. */
export function parseEndpoint(value: string): Endpoint {
  if (value !== value.trim()) throw new UsageError(`invalid endpoint "${shown(value.trim())}": it has leading or trailing whitespace`, "remove it");
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`invalid endpoint "${shown(value)}": expected a host name or an http(s) URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new UsageError(`invalid endpoint "${shown(value, url)}": only https:// (or http:// on loopback) is supported`);
  if (url.username || url.password)
    throw new UsageError(
      `invalid endpoint "${shown(value, url)}": it must not carry a user name or password`,
      "give only scheme, host and port; credentials come from the environment or the profile",
    );
  if (url.pathname !== "/" || url.search)
    throw new UsageError(`invalid endpoint "${shown(value, url)}": give only scheme, host and port; requests always go to "/"`);
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new UsageError(
      `refusing plain http:// endpoint "${shown(value, url)}": http is allowed only for loopback hosts such as the emulator`,
      "use https:// or a bare host name",
    );
  }
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  return { url: `${url.protocol}//${url.host}/`, protocol: url.protocol, hostname: url.hostname, port };
}
