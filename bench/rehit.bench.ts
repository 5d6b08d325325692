/**
 * What re-hit efficiency costs the splat (docs/rehit.md): the same spots and laser with and
 * without a re-hit table, so the difference is the per-pixel last-ablation time and the
 * per-pulse efficiency. Cases: the named plan resurfacing-150um (Er:YAG, 2 mm spots at 900 %
 * overlap) and, in the full run, the reference workload (≈ 66,000 spots, 10⁸ pixels) with the
 * Er:YAG table attached to its laser. Run alone: `npx tsx bench/rehit.bench.ts [--quick]`.
 */
import { createArea } from "../src/area/index.js";
import { doseModel } from "../src/dose/ablation.js";
import { closeWorkers, splatDose } from "../src/dose/splat.js";
import { generatePattern } from "../src/pattern/index.js";
import { loadPlan } from "../src/plan/load.js";
import { laserPreset } from "../src/plan/presets.js";
import type { ResolvedPlan } from "../src/plan/schema.js";
import { buildScan } from "../src/sequence/index.js";
import { type BenchCase, benchPlan, type Suite, standalone, twelveGon } from "./common.js";

const TABLE = laserPreset("er-yag-2940").reHit ?? [];

/** The plan's laser with the table (`on`) or without. */
function withTable(plan: ResolvedPlan, on: boolean): ResolvedPlan {
  const { reHit: _drop, ...laser } = plan.laser;
  return { ...plan, laser: on ? { ...laser, reHit: TABLE } : laser } as ResolvedPlan;
}

function pair(name: string, plan: ResolvedPlan): BenchCase[] {
  const area = createArea(plan.area);
  const spots = generatePattern(plan, area);
  const scan = buildScan(plan, area, spots);
  const firing = { order: scan.order, tMs: scan.tMs, periodMs: 1000 / plan.scanner.repRateHz };
  return [false, true].map((on) => {
    const model = doseModel(withTable(plan, on));
    return {
      name: `${name} 1T ${on ? "re-hit table" : "no table"}`,
      fn: () =>
        splatDose(spots, plan.pulse.stack, model, area, plan.raster.pixelUm, {
          threads: 1,
          keep: false,
          levels: [1],
          firing,
        }),
      spots: spots.count,
    };
  });
}

export const suite: Suite = {
  name: "rehit",
  cases(quick: boolean): BenchCase[] {
    const cases = pair("resurfacing-150um", loadPlan("resurfacing-150um").plan);
    if (quick) return cases;
    const reference = benchPlan({
      spot: { diameterUm: 120, profile: "gaussian" },
      pulse: { energyMj: 10, stack: 1 },
      pattern: { lattice: "hex", coverage: 0.1, seed: 1 },
      area: { shape: "polygon", rings: [twelveGon(100)] },
      raster: { pixelUm: 10 },
    });
    return [...cases, ...pair("reference 100mm 10% 120µm", reference)];
  },
};

await standalone(import.meta.url, suite);
if (process.argv[1]?.endsWith("rehit.bench.ts")) await closeWorkers();
