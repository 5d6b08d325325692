/**
 * The one place where errors become exit codes: a {@link PlanError} is the
 * user's mistake (exit 2, one line), anything else is a run-time failure (exit 1, one line
 * and a hint; `--verbose` adds the stack).
 */
import { PlanError, RunError } from "../errors.js";

/** Exit codes. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

/** Report `err` on stderr and return the exit code it maps to. */
export function reportError(err: unknown, verbose: boolean): number {
  if (err instanceof PlanError) {
    process.stderr.write(`laserscan: ${err.message}\n`);
    if (verbose && err.stack) process.stderr.write(`${err.stack}\n`);
    return EXIT_BAD_INPUT;
  }
  if (err instanceof RunError) {
    process.stderr.write(`laserscan: ${err.message}\n`);
    if (verbose && err.stack) process.stderr.write(`${err.stack}\n`);
    return EXIT_FAILURE;
  }
  // The system could not give the memory asked for (e.g. a raised --max-memory-mb): not a bug.
  if (
    err instanceof RangeError &&
    /allocation failed|Invalid typed array length|Array buffer/i.test(err.message)
  ) {
    process.stderr.write(
      `laserscan: out of memory: ${err.message}; use a larger raster.pixelUm (--pixel-um), a smaller area or a lower --max-memory-mb\n`,
    );
    if (verbose && err.stack) process.stderr.write(`${err.stack}\n`);
    return EXIT_FAILURE;
  }
  const e = err as { code?: string; message?: string; stack?: string; exitCode?: number };
  // commander's own usage errors (unknown option, missing argument) are bad input too.
  if (typeof e?.code === "string" && e.code.startsWith("commander.")) return EXIT_BAD_INPUT;
  process.stderr.write(`laserscan: internal error: ${e?.message ?? String(err)}\n`);
  if (verbose && e?.stack) process.stderr.write(`${e.stack}\n`);
  else process.stderr.write("laserscan: this is a bug; rerun with --verbose and report the output\n");
  return EXIT_FAILURE;
}
