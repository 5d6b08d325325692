/**
 * Firing orders, timing and heat: `shortest` and `spread` on 20,000 spots in one
 * stamp, the heat index on 100,000 spots (serpentine and spread on 20 and 100 mm squares), and a
 * whole `buildScan`.
 */
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { createArea } from "../src/area/index.js";
import { generatePattern } from "../src/pattern/index.js";
import { buildScan, heatIndex, orderStamp } from "../src/sequence/index.js";
import { type BenchCase, type Suite, squareBenchPlan, standalone } from "./common.js";

const plan = (order: string, spots: number, sideMm: number, lattice = "poisson") =>
  squareBenchPlan(order, spots, sideMm, lattice);

export const suite: Suite = {
  name: "sequence",
  cases(quick) {
    const cases: BenchCase[] = [];
    // One 20 × 20 mm stamp with 20,000 Poisson spots.
    const p = plan("shortest", 20_000, 20);
    const area = createArea(p.area);
    const spots = generatePattern(p, area);
    const idx = Uint32Array.from({ length: spots.count }, (_, i) => i);
    const out = new Uint32Array(spots.count);
    const ctx = {
      x: spots.x,
      y: spots.y,
      spacingMm: spots.spacingMm,
      originXMm: 0,
      originYMm: 0,
      k: 3,
      minStepMm: 5,
    };
    for (const order of ["shortest", "spread"] as const)
      cases.push({
        name: `${order}: ${spots.count} spots, one stamp`,
        fn: () => orderStamp(order, ctx, idx, 10, 10, xoroshiro128plus(1), out),
        spots: spots.count,
      });
    // Heat index: 100,000 spots from real scans (hex lattice), serpentine and spread on a 20 mm
    // square (one stamp, 283 % coverage) and a 100 mm one (25 stamps, 11 %); default threads,
    // plus one thread in full mode.
    const n = 100_000;
    for (const side of [20, 100])
      for (const order of ["serpentine", "spread"] as const) {
        const hp = plan(order, n, side, "hex");
        const ha = createArea(hp.area);
        const scan = buildScan(hp, ha, generatePattern(hp, ha));
        const label = `heat: ${scan.xMm.length} spots, ${order}, ${side} mm square, ${(scan.treatmentMs / 1000).toFixed(0)} s`;
        for (const threads of quick ? [undefined] : [undefined, 1])
          cases.push({
            name: threads ? `${label}, 1 thread` : label,
            fn: () =>
              heatIndex(scan.xMm, scan.yMm, scan.tMs, scan.pulses, 0.06, undefined, undefined, { threads }),
            spots: scan.xMm.length,
          });
      }
    cases.push({
      name: `buildScan shortest: ${spots.count} spots`,
      fn: () => buildScan(p, area, spots),
      spots: spots.count,
    });
    return cases;
  },
};

await standalone(import.meta.url, suite);
