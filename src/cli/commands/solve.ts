/**
 * `laserscan solve <plan> --target-depth UM [--by mean|peak] [--vary energy|stack|coverage]`
 * finds the setting that reaches a target depth, confirmed by simulation.
 */
import type { Command } from "commander";
import { SOLVE_BY, SOLVE_VARY, type SolveBy, type SolveVary, solvePlan } from "../../dose/solve.js";
import { closeWorkers } from "../../dose/splat.js";
import { oneOf, PlanError } from "../../errors.js";
import { loadPlan } from "../../plan/load.js";
import {
  addMaxWorkOption,
  addPlanOptions,
  maxWorkFrom,
  overridesFromOptions,
  parseNumberFlag,
  parsePositiveFlag,
  parseThreadsFlag,
} from "../options.js";

interface SolveCliOptions {
  targetDepth?: string;
  by?: string;
  vary?: string;
  json?: boolean;
  threads?: string;
  maxMemoryMb?: string;
  [override: string]: unknown;
}

/** Register `solve`. */
export function register(program: Command): void {
  const cmd = program
    .command("solve")
    .description("find the pulse energy (or stack, or coverage) that reaches a target depth")
    .argument("<plan>", "plan file or named plan")
    .requiredOption("--target-depth <um>", "target depth, µm")
    .option("--by <metric>", "mean (over the area) | peak", "mean")
    .option("--vary <setting>", "energy | stack | coverage", "energy")
    .option("--json", "print the result as JSON on stdout")
    .option("--threads <n>", "threads (default: all cores for big rasters)")
    .option("--max-memory-mb <n>", "refuse runs whose rasters need more memory, MB");
  addMaxWorkOption(cmd);
  addPlanOptions(cmd);
  cmd.action(async (input: string, opts: SolveCliOptions) => {
    const target = parseNumberFlag("target-depth", String(opts.targetDepth));
    if (!(target > 0)) throw new PlanError("--target-depth", target, "allowed: a depth in µm > 0");
    const by = String(opts.by);
    if (!SOLVE_BY.includes(by as SolveBy)) throw new PlanError("--by", by, oneOf(by, SOLVE_BY));
    const vary = String(opts.vary);
    if (!SOLVE_VARY.includes(vary as SolveVary)) throw new PlanError("--vary", vary, oneOf(vary, SOLVE_VARY));
    const threads = opts.threads === undefined ? undefined : parseThreadsFlag(opts.threads);
    const maxMemoryMb =
      opts.maxMemoryMb === undefined ? undefined : parsePositiveFlag("max-memory-mb", opts.maxMemoryMb);
    // The plan's own energy need not ablate when the energy is what is solved for.
    const { plan, baseDir } = loadPlan(input, overridesFromOptions(opts as Record<string, unknown>), {
      dose: vary !== "energy",
    });
    try {
      const r = await solvePlan(plan, target, {
        by: by as SolveBy,
        vary: vary as SolveVary,
        baseDir,
        threads,
        maxMemoryMb,
        maxWork: maxWorkFrom(opts as Record<string, unknown>),
      });
      if (opts.json) {
        const { energyMj, stack, coverage, predicted, warnings } = r;
        process.stdout.write(
          `${JSON.stringify({ energyMj, stack, coverage, predicted, warnings }, null, 2)}\n`,
        );
        return;
      }
      const p = r.predicted;
      const lines = [
        `${plan.name}: ${by} depth ${target} µm by ${vary}`,
        `  energyMj   ${+r.energyMj.toPrecision(5)}`,
        `  stack      ${r.stack}`,
        `  coverage   ${+(r.coverage * 100).toPrecision(4)} %`,
        `  predicted  depth mean ${p.depth.meanUm.toFixed(2)} µm, p95 ${p.depth.p95Um.toFixed(1)} µm, max ${p.depth.maxUm.toFixed(1)} µm; ablated ${(p.ablatedFraction * 100).toFixed(2)} %; coagulation mean ${p.coagulation.meanUm.toFixed(2)} µm`,
        ...r.warnings.map((w) => `warning: ${w}`),
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    } finally {
      await closeWorkers();
    }
  });
}
