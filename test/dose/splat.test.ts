import { describe, expect, it } from "vitest";
import { craterVolumeUm3, depthPerPulseUm, doseModel, doseModelFor } from "../../src/dose/ablation.js";
import { makeBeam } from "../../src/dose/beam.js";
import { simulateSpots } from "../../src/dose/simulate.js";
import { closeWorkers, splatDepth, splatDose } from "../../src/dose/splat.js";
import { rasterStats } from "../../src/dose/stats.js";
import { PlanError } from "../../src/errors.js";
import { generatePattern } from "../../src/pattern/index.js";
import type { Laser } from "../../src/plan/schema.js";
import { grid, rect, STEADY, spotsOf, testPlan } from "./helpers.js";

const steady = (profile: "gaussian" | "tophat" = "gaussian", energyMj = 10, radiusUm = 60) =>
  doseModelFor(STEADY as Laser, makeBeam(profile, radiusUm, energyMj));

function sumUm(data: Float32Array): number {
  let s = 0;
  for (const v of data) s += v;
  return s;
}

describe("one crater on the raster (docs/model.md)", () => {
  it("Gaussian steady-state: volume, peak and radius match the closed forms", async () => {
    const m = steady();
    // spot on a pixel centre of a 1 µm raster
    const r = await splatDepth(spotsOf([0.5005], [0.5005]), 1, m, rect(1, 1), 1, { threads: 1 });
    const volUm3 = sumUm(r.data) * 1; // 1 µm² pixels
    expect(volUm3 / craterVolumeUm3(m)).toBeCloseTo(1, 3);
    let max = 0;
    let farUm = 0;
    for (let j = 0; j < r.height; j++)
      for (let i = 0; i < r.width; i++) {
        const v = r.data[j * r.width + i];
        if (v > max) max = v;
        if (v > 0) farUm = Math.max(farUm, Math.hypot(i + 0.5 - 500.5, j + 0.5 - 500.5));
      }
    expect(max / m.peakDepthUm).toBeCloseTo(1, 5);
    expect(Math.abs(farUm - m.craterRadiusUm)).toBeLessThan(1);
  });

  it("blow-off: a paraboloid d(r) = (1/µa)(ln(F0/Fth) − 2r²/w²)", async () => {
    const l = { ...STEADY, model: "blow-off", absorptionPerCm: 2000 } as Laser;
    const m = doseModelFor(l, makeBeam("gaussian", 60, 10));
    const r = await splatDepth(spotsOf([0.5005], [0.5005]), 1, m, rect(1, 1), 1, { threads: 1 });
    const L = Math.log(m.beam.peakFluenceJcm2 / 5);
    for (const di of [0, 10, 30, 60]) {
      const expected = 5 * (L - (2 * di * di) / 3600); // 1/µa = 5 µm
      expect(r.data[500 * r.width + 500 + di]).toBeCloseTo(expected, 3);
    }
    expect(sumUm(r.data) / craterVolumeUm3(m)).toBeCloseTo(1, 3);
  });

  it("top-hat: a flat crater over the disc", async () => {
    const m = steady("tophat");
    const r = await splatDepth(spotsOf([0.5005], [0.5005]), 1, m, rect(1, 1), 1, { threads: 1 });
    let n = 0;
    for (const v of r.data)
      if (v > 0) {
        n++;
        expect(v).toBeCloseTo(m.peakDepthUm, 3);
      }
    expect(n / (Math.PI * 3600)).toBeCloseTo(1, 2);
  });
});

describe("adding pulses (docs/model.md)", () => {
  it("a stack of n pulses is n × one pulse", async () => {
    const m = steady();
    const s = grid(5, 0.1, 0.2); // overlapping craters
    const one = await splatDepth(s, 1, m, rect(1, 1), 5, { threads: 1 });
    const three = await splatDepth(s, 3, m, rect(1, 1), 5, { threads: 1 });
    for (let p = 0; p < one.data.length; p++) expect(three.data[p]).toBeCloseTo(3 * one.data[p], 3);
  });

  it("sub-threshold tails of neighbours add nothing; ablating parts add", async () => {
    const m = steady();
    const R = m.craterRadiusUm / 1000;
    const a = spotsOf([0.3], [0.5]);
    const b = spotsOf([0.3 + 2.1 * R], [0.5]);
    const ab = spotsOf([0.3, 0.3 + 2.1 * R], [0.5, 0.5]);
    const ra = await splatDepth(a, 1, m, rect(1, 1), 2, { threads: 1 });
    const rb = await splatDepth(b, 1, m, rect(1, 1), 2, { threads: 1 });
    const rab = await splatDepth(ab, 1, m, rect(1, 1), 2, { threads: 1 });
    // midway both pulses are below threshold on their own, though together above it
    const mid = 0.3 + 1.05 * R;
    const fMid = m.beam.peakFluenceJcm2 * Math.exp((-2 * (1.05 * R * 1000) ** 2) / 3600);
    expect(fMid).toBeLessThan(5);
    expect(2 * fMid).toBeGreaterThan(5);
    const i = Math.floor(mid / 0.002);
    expect(rab.data[250 * rab.width + i]).toBe(0);
    for (let p = 0; p < rab.data.length; p++) expect(rab.data[p]).toBeCloseTo(ra.data[p] + rb.data[p], 4);
  });
});

describe("mean depth = density × crater volume (docs/model.md)", () => {
  it("sparse pattern, craters inside the area", async () => {
    const m = steady();
    const s = grid(20, 0.5, 0.25); // 400 spots on 10 × 10 mm, 250 µm from the edge > crater radius
    const res = await splatDose(s, 1, m, rect(10, 10), 5, { keep: false });
    const densityPerUm2 = 400 / 1e8;
    expect(res.stats.meanUm / (densityPerUm2 * craterVolumeUm3(m))).toBeCloseTo(1, 3);
  });

  it("overlapping full-field pattern (coverage 3), craters inside the area", async () => {
    const m = steady("gaussian", 400, 500); // 1 mm spot
    const s = grid(20, 0.2, 2); // pitch 0.2 mm ≪ spot: coverage π·0.5²/0.04 ≈ 20 locally
    const res = await splatDose(s, 1, m, rect(7.8, 7.8), 10, { keep: false });
    const expected = (400 * craterVolumeUm3(m)) / (7.8 * 7.8 * 1e6);
    expect(res.stats.meanUm / expected).toBeCloseTo(1, 3);
  });

  it("full-field hex pattern over the whole area agrees with an independent per-pixel integral", async () => {
    const plan = testPlan({
      spot: { diameterUm: 500, profile: "gaussian" },
      pulse: { energyMj: 40, stack: 1 },
      pattern: { lattice: "hex", coverage: 1.5, seed: 1 },
      area: { shape: "circle", diameterMm: 3 },
      raster: { pixelUm: 20 },
    });
    const area = (await import("../../src/area/index.js")).createArea(plan.area);
    const spots = generatePattern(plan, area);
    const m = doseModel(plan);
    const res = await splatDose(spots, 1, m, area, 20, { keep: false });
    // brute force: every inside pixel, every spot, Math.exp per pair, double sums
    const pix = 0.02;
    const W = Math.ceil(3 / pix);
    let sum = 0;
    let n = 0;
    for (let j = 0; j < W; j++)
      for (let i = 0; i < W; i++) {
        const x = (i + 0.5) * pix;
        const y = (j + 0.5) * pix;
        if (!area.contains(x, y)) continue;
        n++;
        for (let k = 0; k < spots.count; k++) {
          const r2 = ((x - spots.x[k]) ** 2 + (y - spots.y[k]) ** 2) * 1e6;
          sum += depthPerPulseUm(m, m.beam.peakFluenceJcm2 * Math.exp((-2 * r2) / (250 * 250)));
        }
      }
    expect(res.stats.insidePixels).toBe(n);
    expect(res.stats.meanUm / (sum / n)).toBeCloseTo(1, 4);
  });
});

describe("stats (the report, docs/formats.md)", () => {
  it("p95, max, mean and level fractions agree with a sort-based reference", async () => {
    const plan = testPlan({ area: { shape: "ellipse", widthMm: 6, heightMm: 4 } });
    const area = (await import("../../src/area/index.js")).createArea(plan.area);
    const spots = generatePattern(plan, area);
    const res = await splatDose(spots, 1, doseModel(plan), area, 10, { levels: [1, 30, 150], threads: 1 });
    const ref = rasterStats(res.raster!, area, [1, 30, 150]);
    expect(res.stats.insidePixels).toBe(ref.insidePixels);
    expect(res.stats.meanUm).toBeCloseTo(ref.meanUm, 9);
    expect(res.stats.maxUm).toBe(ref.maxUm);
    expect(Math.abs(res.stats.p95Um / ref.p95Um - 1)).toBeLessThan(1e-3);
    expect(res.stats.levelFractions).toEqual(ref.levelFractions);
  });
});

describe("threads", () => {
  it("1 and 2 threads give bit-identical rasters and stats", async () => {
    const plan = testPlan({
      area: { shape: "circle", diameterMm: 20 },
      pattern: { lattice: "hex", coverage: 0.15, seed: 3 },
    });
    const area = (await import("../../src/area/index.js")).createArea(plan.area);
    const spots = generatePattern(plan, area);
    const m = doseModel(plan);
    const a = await splatDose(spots, 2, m, area, 10, { threads: 1, levels: [1, 30] });
    const b = await splatDose(spots, 2, m, area, 10, { threads: 2, levels: [1, 30] });
    const c = await splatDose(spots, 2, m, area, 10, { threads: 2, keep: false, levels: [1, 30] });
    await closeWorkers();
    expect(Buffer.compare(Buffer.from(a.raster!.data.buffer), Buffer.from(b.raster!.data.buffer))).toBe(0);
    expect(b.stats).toEqual(a.stats);
    expect(c.stats).toEqual(a.stats);
  });
});

describe("memory guard", () => {
  it("refuses before allocating, naming the size needed", async () => {
    const plan = testPlan({ area: { shape: "rect", widthMm: 100, heightMm: 100 }, raster: { pixelUm: 1 } });
    const area = rect(100, 100);
    const input = { plan, area, spots: spotsOf([50], [50]), pulses: 1 };
    await expect(simulateSpots(input, { maxMemoryMb: 4096 })).rejects.toThrow(PlanError);
    await expect(simulateSpots(input, { maxMemoryMb: 4096 })).rejects.toThrow(/need 381\d\d MB/);
  });
});

describe("non-ablative columns (docs/model.md)", () => {
  it("coagulation map is the max of overlapping columns; depth is zero", async () => {
    const plan = testPlan({
      laser: {
        name: "test-1550",
        wavelengthNm: 1550,
        kind: "nonablative",
        model: "calibrated",
        thresholdJcm2: 0,
        calibration: { spotUm: 120, points: [[10, 500]] },
      },
    });
    const sim = await simulateSpots(
      { plan, area: rect(1, 1), spots: spotsOf([0.5, 0.56], [0.5, 0.5]), pulses: 1 },
      { keepCoag: true, threads: 1 },
    );
    let max = 0;
    for (const v of sim.coag!.data) max = Math.max(max, v);
    expect(max).toBeCloseTo(500, 4);
    expect(sumUm(sim.depth!.data)).toBe(0);
    expect(sim.report.depth.maxUm).toBe(0);
    expect(sim.report.coagulation.maxUm).toBeCloseTo(500, 4);
  });
});
