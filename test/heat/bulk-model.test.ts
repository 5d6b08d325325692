import { describe, expect, it } from "vitest";
import {
  BULK_CUTOFF_K,
  columnRiseK,
  cutoffReach,
  erf,
  type PulseHeat,
  residualHeat,
  surfaceRiseK,
} from "../../src/heat/bulk-model.js";
import { resolvePlan } from "../../src/plan/load.js";
import { KAPPA, RHO_C, surfaceRiseByHand } from "../helpers/bulk-rise.js";

/** A plan with an inline ablative laser (threshold 5 J/cm², 60 µm coagulation), 120 µm spot. */
function plan(energyMj: number, profile: "gaussian" | "tophat" = "gaussian") {
  return resolvePlan(
    {
      version: 1,
      laser: {
        name: "test",
        wavelengthNm: 10600,
        kind: "ablative",
        model: "steady-state",
        thresholdJcm2: 5,
        etaUmPerJcm2: 4,
        coagulationUm: 60,
      },
      spot: { diameterUm: 120, profile },
      pulse: { energyMj },
      pattern: { lattice: "hex", coverage: 0.1, seed: 1 },
      area: { shape: "rect", widthMm: 2, heightMm: 2 },
      sequence: { order: "raster", seed: 1 },
    },
    ".",
  );
}

describe("error function", () => {
  it("matches reference values (Abramowitz & Stegun table 7.1 to 10 digits; the digits beyond from the C library erf) and is odd", () => {
    const table: [number, number][] = [
      [0.1, 0.1124629160182849],
      [0.25, 0.2763263901682369],
      [0.45, 0.4754817197869239],
      [0.49, 0.511668261188523],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014],
    ];
    for (const [x, want] of table) {
      // The series (x < 0.5) to 2e-11 (its first dropped term is 9e-12 at 0.49); the erfc fit (x ≥ 0.5) to its 1.2e-7 fractional error of erfc.
      expect(Math.abs(erf(x) - want)).toBeLessThan(x < 0.5 ? 2e-11 : 1.2e-7 * (1 - want) + 1e-15);
      expect(erf(-x)).toBe(-erf(x));
    }
    expect(erf(0)).toBe(0);
    expect(erf(7)).toBe(1);
  });
});

describe("residual heat", () => {
  it("below threshold: all of the pulse, in the coagulation layer", () => {
    // F0 = 2E/(πw²) = 2·1e-4 J/(π·0.006² cm²) = 1.77 J/cm² < 5 J/cm².
    const h = residualHeat(plan(0.1));
    expect(h.qJ).toBeCloseTo(1e-4, 15);
    expect(h.depthMm).toBeCloseTo(0.06, 15);
    expect(h.wholePulse).toBe(true);
  });

  it("a top-hat beam above threshold leaves Fth·πw² (the threshold fluence over the whole spot)", () => {
    const h = residualHeat(plan(10, "tophat"));
    // w = 0.006 cm: 5 J/cm² · π · 3.6e-5 cm² = 5.655e-4 J, whatever the energy above threshold.
    expect(h.qJ).toBeCloseTo(5 * Math.PI * 0.006 ** 2, 12);
    expect(residualHeat(plan(20, "tophat")).qJ).toBeCloseTo(h.qJ, 15);
    expect(h.wholePulse).toBe(false);
    expect(h.s0Mm2).toBeCloseTo(0.06 ** 2 / 2, 15);
  });

  it("above threshold L is the ablation depth plus the 60 µm coagulation layer", () => {
    const h = residualHeat(plan(10));
    // Steady state: depth = η·(F0 − Fth) = 4 µm/(J/cm²) · (176.84 − 5) J/cm² = 687.4 µm at the centre.
    const f0 = (2 * 0.01) / (Math.PI * 0.006 ** 2);
    expect(h.depthMm).toBeCloseTo((4 * (f0 - 5) + 60) / 1000, 9);
  });
});

describe("rise of one pulse", () => {
  const heat: PulseHeat = { qJ: 1.3e-3, depthMm: 0.27, s0Mm2: 0.0018, wholePulse: false };

  it("is 0 at and before the pulse", () => {
    for (const dt of [0, -1, -1e-9]) {
      expect(surfaceRiseK(heat, 0, dt)).toBe(0);
      expect(columnRiseK(heat, 0, 0.1, dt)).toBe(0);
    }
    expect(surfaceRiseK(heat, 0, 1e-9)).toBeGreaterThan(0);
  });

  it("a surface source (L = 0) is the insulated half-space's point source: 2Q/(ρc·√(4πκτ))·e^(−z²/4κτ)·G(r; S)", () => {
    const surface: PulseHeat = { qJ: 1e-3, depthMm: 0, s0Mm2: 0.002, wholePulse: true };
    for (const [r, z, dtMs] of [
      [0, 0, 10],
      [0.1, 0.05, 50],
      [0.3, 0.2, 400],
    ]) {
      const fourKt = (4 * KAPPA * dtMs) / 1000;
      const s = 0.002 + fourKt;
      const want =
        ((2 * 1e-3) / (RHO_C * Math.sqrt(Math.PI * fourKt))) *
        Math.exp((-z * z) / fourKt) *
        (Math.exp((-r * r) / s) / (Math.PI * s));
      expect(columnRiseK(surface, r, z, dtMs) / want).toBeCloseTo(1, 12);
      if (z === 0) expect(surfaceRiseK(surface, r, dtMs) / want).toBeCloseTo(1, 12);
    }
  });
});

describe("cut-off reach", () => {
  const heat: PulseHeat = { qJ: 1.3e-3, depthMm: 0.27, s0Mm2: 0.0018, wholePulse: false };
  /** The peak A(τ) = Q/(ρcL)·erf(L/√(4κτ))/(πS), written out (erf by Simpson). */
  const peak = (tauMs: number): number =>
    surfaceRiseByHand(heat.qJ, heat.depthMm, heat.s0Mm2, 0, tauMs / 1000);

  it("the age limit is the root of A(τ) = cut-off, and the radius the largest √(S·ln(A/c)) over ages, +2 %", () => {
    const { maxAgeMs, maxRadiusMm } = cutoffReach(heat);
    expect(peak(maxAgeMs) / BULK_CUTOFF_K).toBeCloseTo(1, 6);
    expect(peak(maxAgeMs * 0.999)).toBeGreaterThan(BULK_CUTOFF_K);
    expect(peak(maxAgeMs * 1.001)).toBeLessThan(BULK_CUTOFF_K);
    // The largest radius, by golden-section search on ln τ (unimodal here), independent of the sampling.
    const r2 = (lnTau: number): number => {
      const tau = Math.exp(lnTau);
      const a = peak(tau);
      return a > BULK_CUTOFF_K ? (heat.s0Mm2 + (4 * KAPPA * tau) / 1000) * Math.log(a / BULK_CUTOFF_K) : 0;
    };
    let lo = Math.log(1e-3);
    let hi = Math.log(maxAgeMs);
    const g = (Math.sqrt(5) - 1) / 2;
    for (let k = 0; k < 200; k++) {
      const m1 = hi - g * (hi - lo);
      const m2 = lo + g * (hi - lo);
      if (r2(m1) < r2(m2)) lo = m1;
      else hi = m2;
    }
    const rMax = Math.sqrt(r2(0.5 * (lo + hi)));
    expect(maxRadiusMm / (1.02 * rMax)).toBeCloseTo(1, 3);
  });

  it("no heat, or a pulse whose peak never reaches the cut-off, reaches nowhere", () => {
    expect(cutoffReach({ ...heat, qJ: 0 })).toEqual({ maxAgeMs: 0, maxRadiusMm: 0 });
    // Q/(ρcL)/(π·s0) with Q = 1e-12 J is ≈ 2e-7 K at its start, below 1e-4 K.
    expect(cutoffReach({ ...heat, qJ: 1e-12 })).toEqual({ maxAgeMs: 0, maxRadiusMm: 0 });
  });
});
