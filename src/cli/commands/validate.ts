/** `laserscan validate <plan>`: check a plan and print it resolved, or what is wrong. */
import type { Command } from "commander";
import { createArea } from "../../area/index.js";
import { checkPlanArea } from "../../plan/check.js";
import { derive } from "../../plan/derived.js";
import { loadPlan } from "../../plan/load.js";
import { addPlanOptions, overridesFromOptions } from "../options.js";

export function register(program: Command): void {
  addPlanOptions(
    program
      .command("validate <plan>")
      .description(
        "check a plan (file or named plan); print the resolved plan with defaults, or what is wrong",
      )
      .option("--json", "print only the resolved plan as JSON"),
  ).action((planPath: string, opts: Record<string, unknown>) => {
    const { plan, baseDir } = loadPlan(planPath, overridesFromOptions(opts));
    const area = createArea(plan.area, baseDir);
    checkPlanArea(plan, area);
    const d = derive(plan);
    const derived = {
      energyMj: d.energyMj,
      fluenceJcm2: d.fluenceJcm2,
      peakFluenceJcm2: d.peakFluenceJcm2,
      densityPerCm2: d.densityPerCm2,
      coverage: d.coverage,
      pitchUm: d.pitchUm,
      areaMm2: area.areaMm2,
      expectedSpots: Math.round((d.densityPerCm2 / 100) * area.areaMm2),
    };
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ plan, derived }, null, 2)}\n`);
      return;
    }
    process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    process.stdout.write(`ok: ${plan.name} is valid\n`);
    for (const [k, v] of Object.entries(derived))
      process.stdout.write(`  ${k.padEnd(16)} ${+v.toPrecision(6)}\n`);
  });
}
