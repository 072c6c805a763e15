import { afterEach, describe, expect, it } from "vitest";
import { type OperationPorts, type RoomOperation, runOperation } from "../../src/app/operation.js";
import type { Session } from "../../src/app/session.js";
import { DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY, type Emulator } from "../../src/emulator/server.js";
import { runExitCode } from "../../src/exit-codes.js";
import { kick, UsageError } from "../../src/index.js";
import { countResult, emptySummary, type Result } from "../../src/plan/types.js";
import { APP, apiRequests, emulator, emulatorEnv, seedApp } from "../helpers/cli.js";

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

/** A session as a program would build one: config from the environment, no terminal. */
function sessionFor(server: Emulator): Session {
  const env = emulatorEnv(server);
  return {
    io: { stdin: process.stdin, env, cwd: env.HOME!, signal: new AbortController().signal },
    flags: {},
    run: { timeoutMs: 10_000, maxAttempts: 3, concurrency: 8, rate: 20 },
  };
}

/** Ports that record what the application layer asked and reported, answering the question with `answer`. */
function recordingPorts(answer: "yes" | "no") {
  const asked: { total: number; sdkAppId: number; preview: unknown[] }[] = [];
  const results: Result[] = [];
  const warnings: string[] = [];
  const ports: OperationPorts = {
    interactive: true,
    warn: (message) => warnings.push(message),
    ready: () => undefined,
    nothing: () => undefined,
    confirm: async (confirmation) => {
      asked.push(confirmation);
      return answer;
    },
    results: async () => {
      const summary = emptySummary();
      return {
        result: (result: Result) => {
          results.push(result);
          countResult(summary, result);
        },
        finish: () => summary,
      };
    },
  };
  return { ports, asked, results, warnings };
}

const kickAlice: RoomOperation = { kind: "kick", room: "1234", items: ["alice"], yes: false, dryRun: false, ignoreMissing: false };

describe("the application layer, without a terminal", () => {
  it("a kick is prepared, asked through the confirm port, sent, and each result reaches the results port; how it ended is returned (exit 0)", async () => {
    emu = await emulator({ seed: seedApp({ "1234": ["alice", "bob"] }) });
    const { ports, asked, results, warnings } = recordingPorts("yes");
    const outcome = await runOperation(sessionFor(emu), kickAlice, ports);
    expect(outcome).toMatchObject({ summary: { total: 1, done: 1 }, authFailed: false, interrupted: false });
    expect(runExitCode(outcome)).toBe(0);
    expect(asked).toEqual([expect.objectContaining({ total: 1, sdkAppId: APP, preview: [expect.objectContaining({ action: "RemoveUser" })] })]);
    expect(results.map((r) => [r.action, r.roomId, r.userIds, r.status])).toEqual([["RemoveUser", 1234, ["alice"], "done"]]);
    expect(apiRequests(emu).map((q) => [q.action, q.roomId, q.userIds])).toEqual([["RemoveUser", 1234, ["alice"]]]);
    expect(warnings).toEqual([]);
  });

  it("a No from the confirm port sends nothing: UsageError, no result, no request", async () => {
    emu = await emulator({ seed: seedApp({ "1234": ["alice"] }) });
    const { ports, asked, results } = recordingPorts("no");
    await expect(runOperation(sessionFor(emu), kickAlice, ports)).rejects.toThrow(/cancelled: nothing was sent/);
    expect(asked).toHaveLength(1);
    expect(results).toEqual([]);
    expect(apiRequests(emu)).toEqual([]);
  });

  it("without a terminal to ask on (interactive false), --yes is required before anything is read or sent", async () => {
    emu = await emulator({ seed: seedApp({ "1234": ["alice"] }) });
    const { ports, asked } = recordingPorts("yes");
    await expect(runOperation(sessionFor(emu), kickAlice, { ...ports, interactive: false })).rejects.toThrow(/--yes is required/);
    expect(asked).toEqual([]);
    expect(apiRequests(emu)).toEqual([]);
  });
});

describe("the library's standalone functions check their destination as createAdmin does", () => {
  it.each([
    [{ region: "mars" }, /unsupported region "mars"/],
    [{ credential: { secretId: "", secretKey: DEFAULT_SECRET_KEY } }, /invalid options\.credential/],
    [{ credential: undefined }, /invalid options\.credential/],
    [{ endpoint: "ftp://example.com" }, /endpoint/],
  ])("%j is a UsageError before anything is sent", async (bad, message) => {
    emu = await emulator({ seed: seedApp({ "1234": ["alice"] }) });
    const options = { sdkAppId: APP, endpoint: emu.url, credential: { secretId: DEFAULT_SECRET_ID, secretKey: DEFAULT_SECRET_KEY }, ...bad };
    const err = await kick(1234, ["alice"], options as Parameters<typeof kick>[2]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
    expect(apiRequests(emu)).toEqual([]);
  });
});
