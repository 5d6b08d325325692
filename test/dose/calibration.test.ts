/**
 * Calibration per spot size (docs/calibration.md): log-log in energy and in spot size between
 * measured tips, equal fluence outside them, total coagulation from its own tables, and the
 * stated uncertainty in every report. Expected values are worked from the tables by hand.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  calibrationAt,
  dataRangeWarnings,
  doseModel,
  doseModelFor,
  spotCalibration,
} from "../../src/dose/ablation.js";
import { makeBeam } from "../../src/dose/beam.js";
import { rangeOf } from "../../src/dose/report.js";
import { simulatePlan } from "../../src/dose/simulate.js";
import { loadPlan } from "../../src/plan/load.js";
import type { Laser } from "../../src/plan/schema.js";
import { testPlan } from "./helpers.js";

const SPOTS = [
  {
    spotUm: 100,
    depth: [
      [10, 100],
      [40, 400],
    ] as [number, number][],
    coagTotal: [
      [10, 160],
      [40, 500],
    ] as [number, number][],
  },
  {
    spotUm: 400,
    depth: [
      [10, 20],
      [40, 40],
    ] as [number, number][],
  },
];
const LASER: Laser = {
  name: "two-tip",
  wavelengthNm: 10600,
  kind: "ablative",
  model: "calibrated",
  thresholdJcm2: 5,
  coagulationUm: 30,
  calibration: { spots: SPOTS },
  uncertaintyPct: 20,
};

describe("per-spot calibration", () => {
  it("at a measured tip: the table, log-log between its points", () => {
    expect(spotCalibration("x", SPOTS, 100, 10).depthUm).toBeCloseTo(100, 9);
    // 100·(20/10)^(ln 4 / ln 4) = 200
    expect(spotCalibration("x", SPOTS, 100, 20).depthUm).toBeCloseTo(200, 9);
    expect(spotCalibration("x", SPOTS, 100, 20).warnings).toEqual([]);
    // 400 µm tip: 20·(20/10)^(ln 2/ln 4) = 20·√2
    expect(spotCalibration("x", SPOTS, 400, 20).depthUm).toBeCloseTo(20 * Math.SQRT2, 9);
  });

  it("between tips: ln(depth) linear in ln(spot) at the same energy", () => {
    // 200 µm is the geometric mean of 100 and 400: depth = √(100·20) at 10 mJ.
    expect(spotCalibration("x", SPOTS, 200, 10).depthUm).toBeCloseTo(Math.sqrt(100 * 20), 9);
    // and at 40 mJ √(400·40)
    expect(spotCalibration("x", SPOTS, 200, 40).depthUm).toBeCloseTo(Math.sqrt(400 * 40), 9);
  });

  it("outside the tips: the nearest tip at equal fluence, with a warning naming the measured sizes", () => {
    const c = spotCalibration("x", SPOTS, 50, 5);
    // 5 mJ on 50 µm = 20 mJ on 100 µm → 200 µm
    expect(c.depthUm).toBeCloseTo(200, 9);
    expect(c.warnings.join(" ")).toMatch(
      /outside x's measured spot sizes \(100, 400 µm\).*nearest measured size, 100 µm/,
    );
    const big = spotCalibration("x", SPOTS, 800, 160);
    // 160 mJ on 800 µm = 40 mJ on 400 µm → 40 µm
    expect(big.depthUm).toBeCloseTo(40, 9);
    expect(big.warnings.join(" ")).toMatch(/400 µm/);
  });

  it("energy outside a tip's range warns that it extrapolates", () => {
    expect(spotCalibration("x", SPOTS, 100, 80).warnings.join(" ")).toMatch(/outside x's measured range/);
  });

  it("coagulation under the crater = total coagulated depth − ablation depth where measured", () => {
    const m = doseModelFor(LASER, makeBeam("gaussian", 50, 10));
    expect(m.peakDepthUm).toBeCloseTo(100, 9);
    expect(m.coagulationUm).toBeCloseTo(60, 9);
    // the 400 µm tip has no coagulation table: the constant layer
    expect(doseModelFor(LASER, makeBeam("gaussian", 200, 10)).coagulationUm).toBe(30);
    expect(doseModelFor(LASER, makeBeam("gaussian", 50, 10)).uncertaintyPct).toBe(20);
  });

  it("the single-table form still works (one spot, other sizes at equal fluence)", () => {
    const old: Laser = { ...LASER, calibration: { spotUm: 120, points: [[10, 300]] } };
    expect(calibrationAt(old, 120, 10).depthUm).toBeCloseTo(300, 9);
    expect(calibrationAt(old, 240, 40).depthUm).toBeCloseTo(300, 9);
  });

  it("property: depth never falls as energy grows, at any spot size", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 30, max: 3000, noNaN: true }),
        fc.double({ min: 1, max: 300, noNaN: true }),
        fc.double({ min: 1.001, max: 3, noNaN: true }),
        (spot, e, k) =>
          spotCalibration("x", SPOTS, spot, e * k).depthUm >=
          spotCalibration("x", SPOTS, spot, e).depthUm * (1 - 1e-12),
      ),
    );
  });
});

describe("uncertainty in reports", () => {
  it("rangeOf is value × (1 ∓ u)", () => {
    expect(rangeOf(100, 25)).toEqual([75, 125]);
    expect(rangeOf(0, 25)).toEqual([0, 0]);
  });

  it("a named plan's report carries depth and coagulation ranges at the laser's uncertainty", async () => {
    const { plan, baseDir } = loadPlan("fractional-co2-deep");
    const { report } = await simulatePlan(plan, { baseDir, scan: false, threads: 1 });
    const u = (plan.laser.uncertaintyPct as number) / 100;
    expect(report.uncertaintyPct).toBe(plan.laser.uncertaintyPct);
    expect(report.depth.rangeUm.max[0]).toBeCloseTo(report.depth.maxUm * (1 - u), 1);
    expect(report.depth.rangeUm.max[1]).toBeCloseTo(report.depth.maxUm * (1 + u), 1);
    expect(report.coagulation.rangeUm.mean[1]).toBeCloseTo(report.coagulation.meanUm * (1 + u), 1);
    // 160 mJ on the 120 µm tip: total coagulation 1000 µm (the measured point)
    expect(report.coagulation.maxUm).toBeCloseTo(1000, -1);
  });

  it("warns when the stack or fluence lies outside the laser's data", () => {
    const plan = testPlan({ pulse: { energyMj: 10, stack: 3 } });
    plan.laser = { ...plan.laser, dataRange: { pulses: [1, 1], fluenceJcm2: [50, 60] } };
    const w = dataRangeWarnings(plan, doseModel(plan).beam).join(" | ");
    expect(w).toMatch(/pulse stack 3 pulses lies outside/);
    expect(w).toMatch(/average fluence 88.42 J\/cm² lies outside/);
  });
});
