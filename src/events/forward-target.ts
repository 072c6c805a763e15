import { hostname, networkInterfaces } from "node:os";

const WILDCARDS = new Set(["0.0.0.0", "::"]);
const bare = (host: string) => host.toLowerCase().replace(/^\[|\]$/g, "");
const isLoopback = (h: string) => h === "localhost" || h.endsWith(".localhost") || /^127\./.test(h) || h === "::1";
const isLocal = (h: string) => isLoopback(h) || WILDCARDS.has(h);

/** Whether a receiver listening on `listen` answers a request to `target` (both bare, lower case). */
function answersOn(listen: string, target: string): boolean {
  if (target === listen) return true;
  // Loopback names, and 0.0.0.0 (which connects to loopback), are one another.
  if (isLocal(listen) && isLocal(target)) return true;
  if (!WILDCARDS.has(listen)) return false;
  // Listening on every address: the machine's name and each interface's address reach it too.
  if (target === hostname().toLowerCase()) return true;
  return Object.values(networkInterfaces()).some((addresses) => addresses?.some((a) => a.address.toLowerCase() === target));
}

/**
 * Whether `url` would post back to this receiver (`host`, `port`, callback `path`): a receiver
 * forwarding to itself would be its own callback. The path is compared as the receiver matches it
 * (query ignored); 127.0.0.1, localhost, ::1 and 0.0.0.0 are taken as one host.
 */
export function forwardsToItself(url: string, host: string, port: number, path: string): boolean {
  const target = new URL(url);
  if (target.protocol !== "http:") return false;
  const targetPort = target.port === "" ? 80 : Number(target.port);
  return targetPort === port && target.pathname === path && answersOn(bare(host), bare(target.hostname));
}
