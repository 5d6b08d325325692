/** Run the built CLI (dist/) as a user would: a child process, its exit code and output. */
import { spawnSync } from "node:child_process";
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
