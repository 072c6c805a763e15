import { existsSync } from "node:fs";
import { resolve } from "node:path";

/** A URL safe to print: no user:password@. */
export function redactUrl(url: string): string {
  return url.replace(/([a-z][a-z0-9+.-]*:\/\/)[^@/\s]*@/gi, "$1");
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** The path of a `file:` URL (file:/abs, file:///abs or file:relative). */
export function filePath(url: string): string {
  const rest = url
    .replace(/^file:/i, "")
    .replace(/^\/\/(?=\/)/, "")
    .split("?")[0]!;
  return resolve(decodeURIComponent(rest));
}

/** False for an embedded store whose file does not exist yet: opening it would create it. */
export function storeExists(url: string): boolean {
  return isPostgresUrl(url) || existsSync(filePath(url));
}
