import { cpSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");

/** What a clone holds before any build: the sources, without dist/ or node_modules. */
export function cloneWithoutBuild(into: string): string {
  const repo = join(into, "repo");
  for (const entry of ["package.json", "package-lock.json", "README.md", ".trtcrc.example", "tsconfig.json", "tsconfig.build.json", "bin", "scripts", "src"])
    cpSync(join(ROOT, entry), join(repo, entry), { recursive: true });
  return repo;
}
