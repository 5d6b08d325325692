/**
 * Firing orders, timing and heat (issue 3): `shortest` and `spread` on 20,000 spots in one
 * stamp, the heat index on 100,000 spots (two layouts), and a whole `buildScan`.
 */
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { createArea } from "../src/area/index.js";
import { generatePattern } from "../src/pattern/index.js";
import { resolvePlan } from "../src/plan/load.js";
import { buildScan, heatIndex, orderStamp } from "../src/sequence/index.js";
import { type BenchCase, type Suite, standalone } from "./common.js";

function plan(order: string, spots: number, sideMm: number, lattice = "poisson") {
  const coverage = (spots / (sideMm * sideMm)) * Math.PI * 0.06 ** 2;
  return resolvePlan(
    {
      version: 1,
      laser: {
        name: "b",
        wavelengthNm: 10600,
        kind: "ablative",
        model: "steady-state",
        thresholdJcm2: 5,
        etaUmPerJcm2: 4,
      },
      spot: { diameterUm: 120 },
      pulse: { energyMj: 10 },
      pattern: { lattice, coverage, seed: 1 },
      area: { shape: "rect", widthMm: sideMm, heightMm: sideMm },
      sequence: { order, seed: 1 },
    },
    ".",
  );
}

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
    // Heat index: 100,000 spots (20,000 in quick mode) from real scans.
    const n = quick ? 20_000 : 100_000;
    for (const [order, side] of [
      ["serpentine", Math.sqrt(n / 10)],
      ["spread", Math.sqrt(n / 10)],
    ] as const) {
      const hp = plan(order, n, side, "hex");
      const ha = createArea(hp.area);
      const scan = buildScan(hp, ha, generatePattern(hp, ha));
      cases.push({
        name: `heat: ${scan.xMm.length} spots, ${order}, ${side.toFixed(0)} mm square, ${(scan.treatmentMs / 1000).toFixed(0)} s`,
        fn: () => heatIndex(scan.xMm, scan.yMm, scan.tMs, scan.pulses, 0.06),
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
