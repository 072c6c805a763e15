import { execFileSync } from "node:child_process";
import tmpRoot from "./tmp-root.js";

/**
 * End-to-end tests run the built binary, so build it once from the current sources. The type
 * declarations (a full tsc pass, seconds before any test could start) are not needed here: the
 * package tests pack a clone that its own prepare script built.
 */
export default function setup(): () => void {
  const removeRoot = tmpRoot();
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
  return removeRoot;
}
