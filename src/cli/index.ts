#!/usr/bin/env node
/**
 * `laserscan` command line: a thin shell over the library (SPEC §6). Each command lives in
 * commands/<name>.ts and exports `register(program)`.
 */
import { Command } from "commander";
import { register as registerPresets } from "./commands/presets.js";
import { register as registerRender } from "./commands/render.js";
import { register as registerScan } from "./commands/scan.js";
import { register as registerSimulate } from "./commands/simulate.js";
import { register as registerSolve } from "./commands/solve.js";
import { register as registerSweep } from "./commands/sweep.js";
import { register as registerValidate } from "./commands/validate.js";
import { EXIT_BAD_INPUT, reportError } from "./run.js";

const NOT_MEDICAL =
  "laserscan is an engineering and research tool for designing and comparing laser scan patterns.\n" +
  "It is not a medical device and gives no treatment advice.";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("laserscan")
    .description(`Scan patterns for skin-resurfacing lasers and a dose simulator.\n\n${NOT_MEDICAL}`)
    .version("0.1.0")
    .option("--verbose", "print stack traces for bug reports")
    .showSuggestionAfterError(true)
    .exitOverride();
  registerPresets(program);
  registerScan(program);
  registerSimulate(program);
  registerRender(program);
  registerSolve(program);
  registerSweep(program);
  registerValidate(program);
  return program;
}

async function main(): Promise<void> {
  const program = buildProgram();
  const verbose = process.argv.includes("--verbose");
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help") {
      process.exitCode = 0;
      return;
    }
    if (typeof code === "string" && code.startsWith("commander.")) {
      process.exitCode = EXIT_BAD_INPUT;
      return;
    }
    process.exitCode = reportError(err, verbose);
  }
}

await main();
