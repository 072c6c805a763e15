import { execFileSync } from "node:child_process";
import tmpRoot from "./tmp-root.js";

/** End-to-end tests run the built binary and the packed library, so build both once from the current sources. */
export default function setup(): () => void {
  const removeRoot = tmpRoot();
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
  return removeRoot;
}
