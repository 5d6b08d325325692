/**
 * Depth splatting and area stats: the reference workload (bench/reference/:
 * 12-gon in 100 mm, hex 10 % of 120 µm spots ≈ 66,000 spots, 10 µm raster = 10⁸ pixels) on one
 * and all cores, stats-only and with the raster kept, plus smaller density settings.
 * Run alone: `npx tsx bench/dose.bench.ts [--quick]`.
 */
import { availableParallelism } from "node:os";
import { createArea } from "../src/area/index.js";
import { doseModel } from "../src/dose/ablation.js";
import { closeWorkers, prestartWorkers, splatDose } from "../src/dose/splat.js";
import { generatePattern } from "../src/pattern/index.js";
import { type BenchCase, benchPlan, type Suite, standalone, twelveGon } from "./common.js";

function plan(sizeMm: number, spotUm: number, coverage: number, energyMj: number) {
  return benchPlan({
    spot: { diameterUm: spotUm, profile: "gaussian" },
    pulse: { energyMj, stack: 1 },
    pattern: { lattice: "hex", coverage, seed: 1 },
    area: { shape: "polygon", rings: [twelveGon(sizeMm)] },
    raster: { pixelUm: 10 },
  });
}

function splatCase(
  name: string,
  sizeMm: number,
  spotUm: number,
  coverage: number,
  energyMj: number,
  threads: number,
  keep: boolean,
): BenchCase {
  const p = plan(sizeMm, spotUm, coverage, energyMj);
  const area = createArea(p.area);
  const spots = generatePattern(p, area);
  const model = doseModel(p);
  const px = Math.ceil(sizeMm / 0.01) ** 2;
  return {
    name: `${name} ${threads}T${keep ? " keep" : ""}`,
    fn: () => splatDose(spots, 1, model, area, 10, { threads, keep, levels: [1] }),
    spots: spots.count,
    pixels: px,
  };
}

export const suite: Suite = {
  name: "dose",
  cases(quick: boolean): BenchCase[] {
    const cores = availableParallelism();
    prestartWorkers(cores - 1);
    const cases = [
      splatCase("reference 100mm 10% 120µm", 100, 120, 0.1, 10, 1, false),
      splatCase("reference 100mm 10% 120µm", 100, 120, 0.1, 10, cores, false),
    ];
    if (quick) return cases;
    return [
      ...cases,
      splatCase("reference 100mm 10% 120µm", 100, 120, 0.1, 10, cores, true),
      splatCase("20mm 30% 120µm", 20, 120, 0.3, 10, cores, false),
      splatCase("20mm 150% 1mm full-field", 20, 1000, 1.5, 400, cores, false),
      splatCase("20mm 300% 1mm full-field", 20, 1000, 3, 400, cores, false),
    ];
  },
};

await standalone(import.meta.url, suite);
if (process.argv[1]?.endsWith("dose.bench.ts")) await closeWorkers();
