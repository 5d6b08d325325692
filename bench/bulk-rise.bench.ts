/**
 * Bulk temperature rise (docs/bulk-heating.md) beside the heat index on the same scans, each on
 * one thread and on the default threads: the default plan (3,520 spots) and, in full mode, the
 * heat index bench's 100,000-spot scans (serpentine and spread, on a 100 mm square at 11 %
 * coverage and a 20 mm one at 283 %).
 */
import { createArea } from "../src/area/index.js";
import { bulkRise, bulkRiseInputs } from "../src/heat/bulk-rise.js";
import { generatePattern } from "../src/pattern/index.js";
import { loadPlan } from "../src/plan/load.js";
import type { ResolvedPlan } from "../src/plan/schema.js";
import { buildScan, heatIndex } from "../src/sequence/index.js";
import { type BenchCase, type Suite, squareBenchPlan, standalone } from "./common.js";

function pair(label: string, plan: ResolvedPlan, cases: BenchCase[]): void {
  const area = createArea(plan.area);
  const scan = buildScan(plan, area, generatePattern(plan, area));
  const n = scan.xMm.length;
  const { heat, periodMs } = bulkRiseInputs(plan);
  const wMm = plan.spot.diameterUm / 2000;
  const out = new Float64Array(n);
  for (const threads of [1, undefined]) {
    const tag = threads === 1 ? ", 1 thread" : "";
    cases.push({
      name: `heat index: ${label}${tag}`,
      fn: () => heatIndex(scan.xMm, scan.yMm, scan.tMs, scan.pulses, wMm, undefined, undefined, { threads }),
      spots: n,
    });
    cases.push({
      name: `bulk rise: ${label}${tag}`,
      fn: () => bulkRise(scan.xMm, scan.yMm, scan.tMs, scan.pulses, heat, { periodMs, out, threads }),
      spots: n,
    });
  }
}

export const suite: Suite = {
  name: "bulk-rise",
  cases(quick) {
    const cases: BenchCase[] = [];
    pair("fractional-co2-demo", loadPlan("fractional-co2-demo", {}).plan, cases);
    if (!quick)
      for (const side of [100, 20])
        for (const order of ["serpentine", "spread"])
          pair(`100,000 spots, ${order}, ${side} mm square`, squareBenchPlan(order, 100_000, side), cases);
    return cases;
  },
};

await standalone(import.meta.url, suite);
