/** Run the built CLI (dist/) as a user would: a child process, its exit code and output. */
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI = join(ROOT, "dist", "cli", "index.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `laserscan ...args` in `cwd` (default the repo root). */
export function runCli(args: string[], cwd = ROOT, input?: string): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", input, timeout: 600_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * As {@link runCli}, without blocking the test process: a test that runs the CLI many times must
 * let its event loop turn between runs, or vitest's own worker messages time out (seen with both
 * cores busy, where a dozen synchronous runs blocked the loop for over a minute).
 */
export function runCliAsync(args: string[], cwd = ROOT): Promise<CliResult> {
  return runNodeAsync([CLI, ...args], cwd);
}

/**
 * Run `node ...args` in `cwd` without blocking the test process: its exit code (−1 when killed:
 * after `killAfterMs`, if given), output and errors.
 */
export function runNodeAsync(args: string[], cwd = ROOT, killAfterMs?: number): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const timer =
      killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code: code ?? -1, stdout, stderr });
    });
  });
}
