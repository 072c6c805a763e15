import { existsSync } from "node:fs";
import { resolve } from "node:path";

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/**
 * A query parameter that carries a secret, to the next & (a raw # is taken as part of it): password=,
 * sslpassword=, and the token=, key=, secret=, sig= of a --forward target's webhook URL.
 */
const SECRET_PARAM = /([?&;]\s*[a-z_]*(?:pass(?:word)?|token|secret|key|sig(?:nature)?|auth)\s*=)[^&\s]*/gi;

/**
 * The secrets one URL holds, as written and %-decoded: the password in its userinfo (which runs
 * to the last "@", since a malformed password may hold "/", " " or "@") and the value of any
 * password= parameter.
 */
function secretsOf(url: string): string[] {
  const found: string[] = [];
  const scheme = SCHEME.exec(url);
  const at = url.lastIndexOf("@");
  if (scheme && at > scheme[0].length) {
    const userinfo = url.slice(scheme[0].length, at);
    const colon = userinfo.indexOf(":");
    if (colon !== -1) found.push(userinfo.slice(colon + 1));
  }
  for (const m of url.matchAll(SECRET_PARAM)) found.push(url.slice(m.index + m[1]!.length, m.index + m[0].length));
  const decoded = found.map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  // Longest first, so a password is not left behind by a replaced part of it.
  return [...new Set([...found, ...decoded])].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
}

/** A URL safe to print: no userinfo (however malformed) and no password= value. */
export function urlLabel(url: string): string {
  const scheme = SCHEME.exec(url);
  const at = url.lastIndexOf("@");
  const bare = scheme && at > scheme[0].length ? scheme[0] + url.slice(at + 1) : url;
  return bare.replace(SECRET_PARAM, "$1***");
}

/** Text safe to print: any URL's `user:password@` (to the last "@" of the word) and password= values removed. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s]*@/gi, "$1").replace(SECRET_PARAM, "$1***");
}

/** Text about `url` safe to print: every secret of that URL removed wherever the text quotes it, then as redactUrl. */
export function redactFor(url: string, text: string): string {
  let out = text;
  for (const secret of secretsOf(url)) out = out.split(secret).join("***");
  return redactUrl(out);
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * The path of a `file:` URL (file:/abs, file:///abs or file:relative). A path the system cannot
 * open (a NUL byte, a malformed %-escape) is an error here, before any driver sees it.
 */
export function filePath(url: string): string {
  const rest = url
    .replace(/^file:/i, "")
    .replace(/^\/\/(?=\/)/, "")
    .split("?")[0]!;
  let path: string;
  try {
    path = decodeURIComponent(rest);
  } catch {
    throw new Error("its path has a malformed %-escape");
  }
  if (path.includes("\0")) throw new Error("its path contains a NUL byte (%00)");
  return resolve(path);
}

/** False for an embedded store whose file does not exist yet: opening it would create it. */
export function storeExists(url: string): boolean {
  return isPostgresUrl(url) || existsSync(filePath(url));
}
