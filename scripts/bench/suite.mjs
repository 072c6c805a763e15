// `npm test` on a fresh clone, as a contributor or CI first runs it: wall and CPU seconds (user + sys
// of every process it started). The clone's npm ci is not timed.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";

const timed =
  "import json,resource,subprocess,sys,time; t=time.monotonic(); c=subprocess.run(sys.argv[2:], cwd=sys.argv[1], stdout=open(sys.argv[1]+'.log','wb'), stderr=subprocess.STDOUT).returncode; " +
  "u=resource.getrusage(resource.RUSAGE_CHILDREN); print(json.dumps({'wall': time.monotonic()-t, 'cpu': u.ru_utime+u.ru_stime, 'code': c}))";

export function benchSuite({ root, work, log, record }) {
  if (execFileSync("git", ["status", "--porcelain"], { cwd: root }).toString().trim()) log("uncommitted changes: the clone measures HEAD");
  const clone = join(work, "clone");
  execFileSync("git", ["clone", "-q", root, clone]);
  execFileSync("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: clone, stdio: ["ignore", "ignore", "inherit"] });
  const postgres = Boolean(process.env.TRTC_TEST_POSTGRES_URL);
  // Other work on the machine slows the suite as much as anything in it: say how busy it was.
  log(`load average before npm test: ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores`);
  const r = spawnSync("python3", ["-c", timed, clone, "npm", "test"], { env: process.env });
  const { wall, cpu, code } = JSON.parse(r.stdout.toString());
  const output = readFileSync(`${clone}.log`, "utf8").replace(/\x1b\[[0-9;]*m/g, "");
  if (code !== 0) log(output.split("\n").slice(-40).join("\n"));
  const tests = /^\s*Tests\s+(.+)$/m.exec(output)?.[1].trim() ?? "no vitest summary";
  const pg = postgres ? "PostgreSQL suites ran" : "PostgreSQL suites skipped: TRTC_TEST_POSTGRES_URL unset";
  record(`npm test on a fresh clone: wall s (exit ${code}, tests ${tests}, ${pg})`, wall.toFixed(1), "≤ 40");
  record("npm test on a fresh clone: CPU s (user + sys of its processes)", cpu.toFixed(1));
}
