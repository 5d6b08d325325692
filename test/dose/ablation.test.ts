import { describe, expect, it } from "vitest";
import {
  calibrationEnergyMj,
  craterVolumeUm3,
  depthPerPulseUm,
  doseModel,
  doseModelFor,
  linearDepthUm,
  logLogDepthUm,
  thresholdEnergyMj,
} from "../../src/dose/ablation.js";
import { makeBeam, peakFluenceJcm2 } from "../../src/dose/beam.js";
import { PlanError } from "../../src/errors.js";
import type { Laser } from "../../src/plan/schema.js";
import { STEADY, testPlan } from "./helpers.js";

const laser = (extra: Partial<Laser> = {}): Laser => ({ ...(STEADY as Laser), ...extra });

describe("beam (docs/model.md)", () => {
  it("Gaussian peak fluence is 2E/(πw²), top-hat E/(πw²)", () => {
    // 10 mJ on w = 60 µm: E/(πw²) = 0.01 J / (π·0.006² cm²) = 88.419 J/cm².
    expect(peakFluenceJcm2("tophat", 10, 60)).toBeCloseTo(88.4194, 3);
    expect(peakFluenceJcm2("gaussian", 10, 60)).toBeCloseTo(176.8388, 3);
  });
  it("a plan's fluenceJcm2 is the average fluence", () => {
    const m = doseModel(testPlan({ pulse: { fluenceJcm2: 88.4194, stack: 1 } }));
    expect(m.beam.energyMj).toBeCloseTo(10, 3);
  });
});

describe("steady-state Gaussian closed forms (docs/model.md)", () => {
  const m = doseModelFor(laser(), makeBeam("gaussian", 60, 10));
  const f0 = 176.8388;
  it("peak = η(F0 − Fth), radius = w·sqrt(ln(F0/Fth)/2)", () => {
    expect(m.peakDepthUm).toBeCloseTo(4 * (f0 - 5), 2);
    expect(m.craterRadiusUm).toBeCloseTo(60 * Math.sqrt(Math.log(f0 / 5) / 2), 4);
  });
  it("volume = (πηw²/2)(F0 − Fth − Fth·ln(F0/Fth)) and equals the radial integral", () => {
    const v = ((Math.PI * 4 * 3600) / 2) * (f0 - 5 - 5 * Math.log(f0 / 5));
    expect(craterVolumeUm3(m) / v).toBeCloseTo(1, 4);
    // independent numerical radial integral of depth(F(r))
    let s = 0;
    const dr = 0.001;
    for (let r = dr / 2; r < 200; r += dr)
      s += 2 * Math.PI * r * dr * depthPerPulseUm(m, f0 * Math.exp((-2 * r * r) / 3600));
    expect(s / craterVolumeUm3(m)).toBeCloseTo(1, 4);
  });
  it("below threshold ablates nothing", () => {
    expect(depthPerPulseUm(m, 4.99)).toBe(0);
    expect(depthPerPulseUm(m, 5)).toBe(0);
  });
});

describe("blow-off (docs/model.md)", () => {
  const l = laser({ model: "blow-off", absorptionPerCm: 1000, etaUmPerJcm2: undefined });
  const m = doseModelFor(l, makeBeam("gaussian", 60, 10));
  it("uses 1/µa in µm and gives a paraboloid crater of volume π w² ln²(F0/Fth)/(4 µa)", () => {
    const L = Math.log(m.beam.peakFluenceJcm2 / 5);
    expect(m.scaleUm).toBeCloseTo(10, 9); // 1000 /cm = 0.1 /µm
    expect(m.peakDepthUm).toBeCloseTo(10 * L, 9);
    expect(craterVolumeUm3(m)).toBeCloseTo((Math.PI * 3600 * L * L * 10) / 4, 3);
    let s = 0;
    const dr = 0.001;
    for (let r = dr / 2; r < 200; r += dr)
      s += 2 * Math.PI * r * dr * depthPerPulseUm(m, m.beam.peakFluenceJcm2 * Math.exp((-2 * r * r) / 3600));
    expect(s / craterVolumeUm3(m)).toBeCloseTo(1, 4);
  });
});

describe("top-hat (docs/model.md)", () => {
  it("flat crater of depth η(F − Fth) over the disc, volume πw²·depth", () => {
    const m = doseModelFor(laser(), makeBeam("tophat", 60, 10));
    expect(m.peakDepthUm).toBeCloseTo(4 * (88.4194 - 5), 2);
    expect(m.craterRadiusUm).toBe(60);
    expect(craterVolumeUm3(m)).toBeCloseTo(Math.PI * 3600 * m.peakDepthUm, 3);
  });
});

describe("calibrated (docs/model.md)", () => {
  const points: [number, number][] = [
    [5, 100],
    [20, 300],
  ];
  it("interpolates log-log between points", () => {
    const r = logLogDepthUm(points, 10);
    expect(r.depthUm).toBeCloseTo(100 * 2 ** (Math.log(3) / Math.log(4)), 6);
    expect(r.extrapolated).toBe(false);
    expect(logLogDepthUm(points, 40).extrapolated).toBe(true);
    expect(logLogDepthUm(points, 40).depthUm).toBeCloseTo(300 * 2 ** (Math.log(3) / Math.log(4)), 6);
  });
  it("keeps the steady-state shape scaled to the calibrated peak, warns when extrapolating", () => {
    const l = laser({ model: "calibrated", calibration: { spotUm: 120, points }, etaUmPerJcm2: undefined });
    const m = doseModelFor(l, makeBeam("gaussian", 60, 10));
    expect(m.peakDepthUm).toBeCloseTo(logLogDepthUm(points, 10).depthUm, 9);
    expect(depthPerPulseUm(m, m.beam.peakFluenceJcm2)).toBeCloseTo(m.peakDepthUm, 9);
    expect(m.warnings).toHaveLength(0);
    const far = doseModelFor(l, makeBeam("gaussian", 60, 40));
    expect(far.warnings.join(" ")).toMatch(/extrapolated/);
  });
  it("a different spot size is matched by fluence (energy × area ratio) with a warning", () => {
    expect(calibrationEnergyMj(40, 240, 120)).toBeCloseTo(10, 12);
    const l = laser({ model: "calibrated", calibration: { spotUm: 120, points }, etaUmPerJcm2: undefined });
    const m = doseModelFor(l, makeBeam("gaussian", 120, 40));
    expect(m.peakDepthUm).toBeCloseTo(logLogDepthUm(points, 10).depthUm, 9);
    expect(m.warnings.join(" ")).toMatch(/120 µm spot/);
  });
});

describe("non-ablative column (docs/model.md)", () => {
  it("column depth is piecewise linear in energy, no ablation", () => {
    const pts: [number, number][] = [
      [10, 400],
      [30, 800],
    ];
    expect(linearDepthUm(pts, 20).depthUm).toBeCloseTo(600, 9);
    const l = laser({ kind: "nonablative", model: "calibrated", calibration: { spotUm: 120, points: pts } });
    const m = doseModelFor(l, makeBeam("gaussian", 60, 20));
    expect(m.kind).toBe("nonablative");
    expect(m.columnDepthUm).toBeCloseTo(600, 9);
    expect(m.peakDepthUm).toBe(0);
  });
});

describe("energy below threshold", () => {
  it("is a PlanError naming the field and the threshold energy", () => {
    const eth = thresholdEnergyMj("gaussian", 60, 5); // 5 J/cm² · π·0.006² cm² / 2 = 0.2827 mJ
    expect(eth).toBeCloseTo(0.28274, 4);
    const plan = testPlan({ pulse: { energyMj: 0.2, stack: 1 } });
    expect(() => doseModel(plan)).toThrow(PlanError);
    expect(() => doseModel(plan)).toThrow(/pulse\.energyMj.*0\.2827/);
    const planF = testPlan({ pulse: { fluenceJcm2: 1, stack: 1 } });
    expect(() => doseModel(planF)).toThrow(/pulse\.fluenceJcm2/);
  });
});
