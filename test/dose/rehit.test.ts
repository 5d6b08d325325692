/**
 * Re-hit efficiency (docs/rehit.md): the Er:YAG table from Kaufmann & Hibst 1996 (≈ 40 µm per
 * pulse at 10 J/cm² at 1 Hz, ≈ 10 µm at 10 Hz), the splat's stacked and overlapping pulses
 * against those numbers, the lost depth, thread independence, and lasers without a table
 * unchanged.
 */

import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { fitReHit, parseReHit } from "../../src/calibrate/rehit.js";
import { doseModelFor } from "../../src/dose/ablation.js";
import { makeBeam } from "../../src/dose/beam.js";
import { reHitEfficiency, stackedDepthUm } from "../../src/dose/rehit.js";
import { simulatePlan } from "../../src/dose/simulate.js";
import { closeWorkers, splatDose } from "../../src/dose/splat.js";
import { PlanError } from "../../src/errors.js";
import { resolvePlan } from "../../src/plan/load.js";
import { laserPreset } from "../../src/plan/presets.js";
import type { Laser } from "../../src/plan/schema.js";
import { laserSchema } from "../../src/plan/schema.js";
import { parseWith } from "../../src/plan/validate.js";
import { rect, spotsOf } from "./helpers.js";

afterAll(() => closeWorkers());

/** Kaufmann & Hibst 1996: depth per pulse at 10 J/cm², µm, at 1 Hz and 10 Hz. */
const AT_1HZ = 40;
const AT_10HZ = 10;
/** Er:YAG single flat pulse at 10 J/cm²: η(F − Fth) with η fitted to 40 µm at Fth 1.7. */
const ER_YAG = laserPreset("er-yag-2940");
const noTable = (): Laser => {
  const { reHit: _drop, ...rest } = ER_YAG;
  return rest as Laser;
};
/** 2 mm flat spot at 10 J/cm² average: E = 10 J/cm² × π (0.1 cm)² = 314.16 mJ. */
const FLAT_10 = makeBeam("tophat", 1000, 10 * Math.PI * 0.1 ** 2 * 1000);

describe("the Er:YAG table from the published rates", () => {
  it("is fitted from rehit.csv as 10/40 at 100 ms and 1 at 1000 ms", () => {
    const rows = parseReHit(readFileSync("patterns/lasers/data/rehit.csv", "utf8"));
    expect(fitReHit(rows, "er-yag-2940")).toEqual([
      [100, AT_10HZ / AT_1HZ],
      [1000, 1],
    ]);
    expect(ER_YAG.reHit).toEqual([
      [100, 0.25],
      [1000, 1],
    ]);
    // Oni et al. 2011 (CO2 double pulse ≈ single pulse): no table for CO2.
    expect(fitReHit(rows, "co2-10600")).toBeUndefined();
    expect(laserPreset("co2-10600").reHit).toBeUndefined();
  });

  it("interpolates in ln Δt, holds below the table, is 1 beyond it and for a first hit", () => {
    const t = ER_YAG.reHit ?? [];
    expect(reHitEfficiency(t, 1000)).toBe(1);
    expect(reHitEfficiency(t, 5000)).toBe(1);
    expect(reHitEfficiency(t, Number.POSITIVE_INFINITY)).toBe(1);
    expect(reHitEfficiency(t, 100)).toBe(0.25);
    expect(reHitEfficiency(t, 33)).toBe(0.25);
    // √(100·1000) ms is half way in ln Δt.
    expect(reHitEfficiency(t, Math.sqrt(1e5))).toBeCloseTo(0.625, 12);
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e4, noNaN: true }),
        fc.double({ min: 1, max: 1e4, noNaN: true }),
        (a, b) => {
          const [lo, hi] = a < b ? [a, b] : [b, a];
          const ea = reHitEfficiency(t, lo);
          const eb = reHitEfficiency(t, hi);
          return ea > 0 && eb <= 1 && ea <= eb + 1e-15;
        },
      ),
    );
  });

  it("stacked pulses: twice at 1 Hz ≈ 2 × one pulse, at 10 Hz ≈ 1.25 × (reference function)", () => {
    const t = ER_YAG.reHit ?? [];
    expect(stackedDepthUm(t, AT_1HZ, 2, 1000)).toBeCloseTo(2 * AT_1HZ, 10);
    expect(stackedDepthUm(t, AT_1HZ, 2, 100)).toBeCloseTo(AT_1HZ + AT_10HZ, 10);
  });

  it("the schema refuses intervals not increasing and efficiencies outside (0, 1]", () => {
    const bad = (reHit: unknown) => () => parseWith(laserSchema, { ...ER_YAG, reHit }, "laser");
    expect(
      bad([
        [1000, 1],
        [100, 0.25],
      ]),
    ).toThrow(PlanError);
    expect(
      bad([
        [100, 0],
        [1000, 1],
      ]),
    ).toThrow(PlanError);
    expect(bad([[100, 1.2]])).toThrow(PlanError);
    expect(bad([[-5, 0.5]])).toThrow(PlanError);
    expect(
      bad([
        [100, 0.25],
        [1000, 1],
      ]),
    ).not.toThrow();
  });
});

/** The depth at the centre of one flat 2 mm spot with `pulses` pulses `periodMs` apart. */
async function centreDepth(laser: Laser, pulses: number, periodMs: number) {
  const model = doseModelFor(laser, FLAT_10);
  const area = rect(3, 3);
  const res = await splatDose(spotsOf([1.5], [1.5]), pulses, model, area, 10, {
    threads: 1,
    firing: { order: [0], tMs: [0], periodMs },
  });
  const r = res.raster;
  if (!r) throw new Error("no raster");
  return { depth: r.data[150 * r.width + 150], loss: res.reHitLossUm, single: model.peakDepthUm };
}

describe("the splat with a re-hit table", () => {
  it("Er:YAG flat 10 J/cm² stacked twice: ≈ 2 × one pulse at 1 Hz, ≈ 1.25 × at 10 Hz", async () => {
    const slow = await centreDepth(ER_YAG, 2, 1000);
    const fast = await centreDepth(ER_YAG, 2, 100);
    expect(slow.single).toBeCloseTo(AT_1HZ, 0);
    expect(slow.depth / AT_1HZ).toBeCloseTo(2, 2);
    expect(fast.depth / AT_1HZ).toBeCloseTo(1 + AT_10HZ / AT_1HZ, 2);
    // Lost depth: 0.75 of a pulse over the 2 mm disc, averaged over the 3 × 3 mm area.
    expect(slow.loss).toBe(0);
    const discShare = (Math.PI * 1 * 1) / 9;
    expect((fast.loss as number) / (0.75 * slow.single * discShare)).toBeCloseTo(1, 2);
  });

  it("a long train at 10 Hz ablates ≈ 10 µm per pulse after the first (the measured rate)", async () => {
    const n = 20;
    const fast = await centreDepth(ER_YAG, n, 100);
    expect((fast.depth - AT_1HZ) / (n - 1)).toBeCloseTo(AT_10HZ, 0);
  });

  it("a neighbour's overlapping crater counts as a re-hit; the order decides which pixel loses", async () => {
    const model = doseModelFor(ER_YAG, FLAT_10);
    const area = rect(4, 3);
    const spots = spotsOf([1.5, 2.5], [1.5, 1.5]);
    const run = (tMs: number[]) =>
      splatDose(spots, 1, model, area, 10, { threads: 1, firing: { order: [0, 1], tMs, periodMs: 100 } });
    const near = (await run([0, 100])).raster as { data: Float32Array; width: number };
    const far = (await run([0, 5000])).raster as { data: Float32Array; width: number };
    const mid = 150 * near.width + 200; // x = 2.0 mm: under both discs
    const onlyFirst = 150 * near.width + 100; // x = 1.0 mm: first spot only
    expect(far.data[mid] / AT_1HZ).toBeCloseTo(2, 2);
    expect(near.data[mid] / AT_1HZ).toBeCloseTo(1.25, 2);
    expect(near.data[onlyFirst]).toBe(far.data[onlyFirst]);
  });

  it("craters that never meet within the table's range: same bytes as the laser without a table", async () => {
    const spots = spotsOf([0.9, 3.1, 2, 5.2], [0.9, 3.1, 5.3, 1]);
    const area = rect(6.5, 6.5);
    const beam = makeBeam("gaussian", 500, 60);
    const withT = await splatDose(spots, 1, doseModelFor(ER_YAG, beam), area, 10, {
      threads: 1,
      firing: { order: [3, 1, 0, 2], tMs: [0, 10, 20, 30], periodMs: 100 },
    });
    const without = await splatDose(spots, 1, doseModelFor(noTable(), beam), area, 10, { threads: 1 });
    const bytes = (r: typeof withT) => Buffer.from((r.raster as { data: Float32Array }).data.buffer);
    expect(Buffer.compare(bytes(withT), bytes(without))).toBe(0);
    expect(withT.stats).toEqual(without.stats);
    expect(withT.reHitLossUm).toBe(0);
    expect(without.reHitLossUm).toBeUndefined();
  });

  it("a laser without a table ignores the firing times (the existing splat)", async () => {
    const model = doseModelFor(noTable(), FLAT_10);
    const a = await splatDose(spotsOf([1.5], [1.5]), 2, model, rect(3, 3), 10, { threads: 1 });
    const b = await splatDose(spotsOf([1.5], [1.5]), 2, model, rect(3, 3), 10, {
      threads: 1,
      firing: { order: [0], tMs: [0], periodMs: 100 },
    });
    expect(b.raster?.data).toEqual(a.raster?.data);
    expect(a.raster?.data[150 * 300 + 150]).toBeCloseTo(2 * model.peakDepthUm, 3);
  });
});

describe("plans with a re-hit laser", () => {
  const plan = (over: Record<string, unknown> = {}) =>
    resolvePlan(
      {
        version: 1,
        laser: "er-yag-2940",
        spot: { diameterUm: 2000, profile: "gaussian" },
        pulse: { energyMj: 188, stack: 2 },
        pattern: { lattice: "hex", coverage: 2, seed: 1 },
        area: { shape: "rect", widthMm: 12, heightMm: 12 },
        scanner: { fieldMm: [15, 15], repRateHz: 10 },
        sequence: { order: "raster" },
        raster: { pixelUm: 10 },
        ...over,
      },
      ".",
    );

  it("1 and 2 threads give the same bytes and the same lost depth", async () => {
    const p = plan();
    const one = await simulatePlan(p, { threads: 1 });
    const two = await simulatePlan(p, { threads: 2 });
    expect(one.depth.height).toBeGreaterThan(1000); // several bands
    expect(Buffer.compare(Buffer.from(two.depth.data.buffer), Buffer.from(one.depth.data.buffer))).toBe(0);
    expect(two.report).toEqual(one.report);
    expect(one.report.depth.reHitLossUm).toBeGreaterThan(0);
  });

  it("a lower repetition rate loses less depth; the mean plus the loss is the same", async () => {
    const fast = (await simulatePlan(plan(), { threads: 1, scan: false })).report.depth;
    const slow = (
      await simulatePlan(plan({ scanner: { fieldMm: [15, 15], repRateHz: 1 } }), { threads: 1, scan: false })
    ).report.depth;
    expect(slow.reHitLossUm as number).toBeLessThan(fast.reHitLossUm as number);
    expect(slow.meanUm).toBeGreaterThan(fast.meanUm);
    expect(
      (slow.meanUm + (slow.reHitLossUm as number)) / (fast.meanUm + (fast.reHitLossUm as number)),
    ).toBeCloseTo(1, 4);
  });

  it("a CO2 plan's report has no reHitLossUm", async () => {
    const p = resolvePlan(
      {
        version: 1,
        laser: "co2-10600",
        spot: { diameterUm: 120, profile: "gaussian" },
        pulse: { energyMj: 10, stack: 2 },
        pattern: { lattice: "hex", coverage: 0.1, seed: 1 },
        area: { shape: "rect", widthMm: 3, heightMm: 3 },
        raster: { pixelUm: 10 },
      },
      ".",
    );
    const { report } = await simulatePlan(p, { threads: 1, scan: false });
    expect("reHitLossUm" in report.depth).toBe(false);
  });
});

describe("sweep shows the lost depth", () => {
  it("a re-hit laser's rows get a depth.reHitLossUm column and chart metric; others do not", async () => {
    const { METRICS, sweepTable } = await import("../../src/sweep/table.js");
    expect(METRICS).toContain("depth.reHitLossUm");
    const report = (loss?: number) =>
      ({
        depth: { meanUm: 1, maxUm: 1, p95Um: 1, ...(loss === undefined ? {} : { reHitLossUm: loss }) },
        warnings: [],
      }) as never;
    const withLoss = sweepTable(["scanner.repRateHz"], [
      { variant: 0, values: [10], report: report(2.5) },
    ] as never);
    expect(withLoss.columns.at(-1)).toBe("depth.reHitLossUm");
    expect(withLoss.rows[0].at(-1)).toBe(2.5);
    const without = sweepTable(["scanner.repRateHz"], [
      { variant: 0, values: [10], report: report() },
    ] as never);
    expect(without.columns).not.toContain("depth.reHitLossUm");
  });
});

describe("solve --vary stack with a re-hit table", () => {
  it("walks to the stack whose depth is closest: (1 + 0.25 (n − 1)) × one pulse at 10 Hz", async () => {
    const { solvePlan } = await import("../../src/dose/solve.js");
    const { loadPlan } = await import("../../src/plan/load.js");
    const { plan } = loadPlan("micro-peel-30um", { "raster.pixelUm": 40 });
    const r = await solvePlan(plan, 60, { by: "mean", vary: "stack" });
    const one = (r.predicted.depth.meanUm as number) / (1 + 0.25 * (r.stack - 1));
    // 60 / one ≈ 1 + 0.25 (n − 1)  →  n = 1 + 4 (60 / one − 1), rounded
    expect(r.stack).toBe(Math.round(1 + 4 * (60 / one - 1)));
    expect(r.stack).toBeGreaterThan(2);
  });
});
