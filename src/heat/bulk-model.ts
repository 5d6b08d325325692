/**
 * The bulk-rise model (docs/bulk-heating.md): what a pulse leaves behind and the temperature rise
 * it causes later.
 *
 * Tissue is a half-space (diffusivity κ, volumetric heat capacity ρc) with an insulated surface.
 * Each pulse leaves heat Q in a column of depth L with the beam's Gaussian radial profile
 * exp(−r²/s0), s0 = w²/2. The surface rise at distance r, a time τ > 0 later, is
 *
 *   ΔT = Q/(ρc·L) · erf(L/√(4κτ)) · exp(−r²/S)/(π·S),   S = s0 + 4κτ
 *
 * Terms below a cut-off (1e-4 K) are skipped; {@link cutoffReach} bounds their age and radius.
 */

import { doseModel } from "../dose/ablation.js";
import { beamFromPlan } from "../dose/beam.js";
import type { ResolvedPlan } from "../plan/schema.js";

/** Thermal diffusivity of skin, mm²/s. */
export const BULK_KAPPA_MM2_PER_S = 0.13;
/** Volumetric heat capacity of skin, J/(mm³·K) (3.7 J/(cm³·K)). */
export const RHO_C_J_PER_MM3_K = 3.7e-3;
/** Terms of the sum below this, K, are skipped. */
export const BULK_CUTOFF_K = 1e-4;
/** Default bulk rise, K, above which a spot is counted in the report's warning (skin near 45 °C). */
export const BULK_WARN_K = 10;

/** What one pulse leaves behind. */
export interface PulseHeat {
  /** Residual heat Q, J. */
  qJ: number;
  /** Column depth L, mm (0: a surface source, the L → 0 limit of the formula). */
  depthMm: number;
  /** Radial variance parameter s0 = w²/2, mm² (heat ∝ exp(−r²/s0)). */
  s0Mm2: number;
  /** True when Q is the whole pulse energy (non-ablative, or below the ablation threshold): an upper bound. */
  wholePulse: boolean;
}

/**
 * The residual heat of one pulse of a plan. Ablative above threshold: what the threshold model
 * leaves behind, Q = ∫ min(F, Fth) dA: Gaussian Fth·(πw²/2)·(1 + ln(F0/Fth)), top-hat Fth·πw²;
 * L = ablation depth + coagulation layer at the spot centre. Ablative below threshold: Q = E,
 * L = the coagulation layer. Non-ablative: Q = E (no reflection: an upper bound), L = the
 * coagulated column depth. A top-hat beam is given the Gaussian of the same second moment
 * (s0 = w²/2 either way).
 */
export function residualHeat(plan: ResolvedPlan): PulseHeat {
  const beam = beamFromPlan(plan);
  const wMm = beam.radiusUm / 1000;
  const s0Mm2 = (wMm * wMm) / 2;
  const eJ = beam.energyMj / 1000;
  const laser = plan.laser;
  const coagMm = (laser.coagulationUm ?? 0) / 1000;
  if (laser.kind === "nonablative") {
    const model = doseModel(plan);
    return { qJ: eJ, depthMm: model.columnDepthUm / 1000, s0Mm2, wholePulse: true };
  }
  const fth = laser.thresholdJcm2;
  const f0 = beam.peakFluenceJcm2;
  if (!(f0 > fth)) return { qJ: eJ, depthMm: coagMm, s0Mm2, wholePulse: true };
  const model = doseModel(plan);
  const wCm = beam.radiusUm / 1e4;
  const qJ =
    beam.profile === "gaussian"
      ? fth * ((Math.PI * wCm * wCm) / 2) * (1 + Math.log(f0 / fth))
      : fth * Math.PI * wCm * wCm;
  return { qJ, depthMm: (model.peakDepthUm + model.coagulationUm) / 1000, s0Mm2, wholePulse: false };
}

/**
 * The error function: its Maclaurin series below 0.5 (8 terms, error < 1e-11 there), else 1 − erfc
 * with the Chebyshev fit of Numerical Recipes (fractional error of erfc < 1.2e-7).
 */
export function erf(x: number): number {
  if (x < 0) return -erf(-x);
  if (x < 0.5) {
    // Maclaurin series: 2/√π Σ (−1)^n x^(2n+1) / (n!(2n+1)), 8 terms: |err| ≈ 9e-12 at 0.49 (tested).
    const x2 = x * x;
    return (
      1.1283791670955126 *
      x *
      (1 -
        x2 *
          (1 / 3 -
            x2 * (1 / 10 - x2 * (1 / 42 - x2 * (1 / 216 - x2 * (1 / 1320 - x2 * (1 / 9360 - x2 / 75600)))))))
    );
  }
  if (x > 6) return 1;
  // Numerical Recipes erfc (Chebyshev), fractional error < 1.2e-7.
  const t = 1 / (1 + 0.5 * x);
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return 1 - y;
}

/** Columns shallower than this, mm, are surface sources (the L → 0 limit; avoids 0/0). */
const MIN_DEPTH_MM = 1e-9;

/** The column depth L the sum uses, mm: 0 (a surface source) below {@link MIN_DEPTH_MM}. */
export function columnDepth(heat: PulseHeat): number {
  return heat.depthMm > MIN_DEPTH_MM ? heat.depthMm : 0;
}

/** Q/(ρc·L)·erf(L/√(4κτ)), K·mm² (the column's heat per area seen at the surface); the L → 0 limit for L = 0. */
export function depthFactor(ampPerL: number, qOverRhoC: number, depthMm: number, fourKTau: number): number {
  if (depthMm > 0) return ampPerL * erf(depthMm / Math.sqrt(fourKTau));
  return (qOverRhoC * 2) / Math.sqrt(Math.PI * fourKTau);
}

/**
 * Temperature rise, K, of the full 3-D solution at lateral distance `rMm` and depth `zMm` ≥ 0,
 * `dtMs` after one pulse (the insulated surface doubles the column about z = 0):
 * Q/(ρc·L) · exp(−r²/S)/(πS) · ½[erf((L − z)/√(4κτ)) + erf((L + z)/√(4κτ))].
 */
export function columnRiseK(
  heat: PulseHeat,
  rMm: number,
  zMm: number,
  dtMs: number,
  kappaMm2S: number = BULK_KAPPA_MM2_PER_S,
): number {
  if (!(dtMs > 0)) return 0;
  const fourKTau = (4 * kappaMm2S * dtMs) / 1000;
  const s = heat.s0Mm2 + fourKTau;
  const lateral = Math.exp((-rMm * rMm) / s) / (Math.PI * s);
  const qOverRhoC = heat.qJ / RHO_C_J_PER_MM3_K;
  const a = Math.sqrt(fourKTau);
  const L = columnDepth(heat);
  if (!(L > 0))
    return ((qOverRhoC * 2) / Math.sqrt(Math.PI * fourKTau)) * Math.exp((-zMm * zMm) / fourKTau) * lateral;
  return (qOverRhoC / L) * lateral * 0.5 * (erf((L - zMm) / a) + erf((L + zMm) / a));
}

/** Surface temperature rise, K, at `rMm` from one pulse `dtMs` earlier (the formula of the module comment). */
export function surfaceRiseK(
  heat: PulseHeat,
  rMm: number,
  dtMs: number,
  kappaMm2S: number = BULK_KAPPA_MM2_PER_S,
): number {
  if (!(dtMs > 0)) return 0;
  const fourKTau = (4 * kappaMm2S * dtMs) / 1000;
  const s = heat.s0Mm2 + fourKTau;
  const qOverRhoC = heat.qJ / RHO_C_J_PER_MM3_K;
  const L = columnDepth(heat);
  return (depthFactor(qOverRhoC / L, qOverRhoC, L, fourKTau) * Math.exp((-rMm * rMm) / s)) / (Math.PI * s);
}

/** The age limit and radius of the cut-off (see {@link cutoffReach}). */
export interface CutoffReach {
  /** Past this age, ms, every term is below the cut-off (0: no term ever reaches it). */
  maxAgeMs: number;
  /** No term beyond this distance, mm, reaches the cut-off at any age. */
  maxRadiusMm: number;
}

/**
 * Where terms can reach the cut-off `c`. The peak A(τ) = Q/(ρcL)·erf(L/√(4κτ))/(πS) falls
 * monotonically with the age τ, so the age limit is the root of A(τ) = c (bisection on ln τ);
 * at age τ a term reaches c out to r² = S·ln(A/c), whose largest value over τ (sampled on a fine
 * log grid, with a 2 % margin) bounds the search radius.
 */
export function cutoffReach(
  heat: PulseHeat,
  kappaMm2S: number = BULK_KAPPA_MM2_PER_S,
  cutoffK: number = BULK_CUTOFF_K,
): CutoffReach {
  const peak = (tauMs: number): number => surfaceRiseK(heat, 0, tauMs, kappaMm2S);
  if (!(heat.qJ > 0) || !(peak(1e-9) > cutoffK)) return { maxAgeMs: 0, maxRadiusMm: 0 };
  let lo = Math.log(1e-9);
  let hi = Math.log(1e15);
  for (let k = 0; k < 200 && hi - lo > 1e-12; k++) {
    const mid = 0.5 * (lo + hi);
    if (peak(Math.exp(mid)) > cutoffK) lo = mid;
    else hi = mid;
  }
  const maxAgeMs = Math.exp(hi);
  return { maxAgeMs, maxRadiusMm: reachWithin(heat, kappaMm2S, cutoffK, maxAgeMs) };
}

/** The largest distance, mm, at which a term of age ≤ `maxAgeMs` reaches the cut-off (sampled, +2 %). */
export function reachWithin(heat: PulseHeat, kappaMm2S: number, cutoffK: number, maxAgeMs: number): number {
  const fourK = (4 * kappaMm2S) / 1000;
  let r2max = 0;
  const steps = 2000;
  const a = Math.log(1e-9);
  const b = Math.log(maxAgeMs);
  for (let k = 0; k <= steps; k++) {
    const tau = Math.exp(a + ((b - a) * k) / steps);
    const amp = surfaceRiseK(heat, 0, tau, kappaMm2S);
    if (amp > cutoffK) r2max = Math.max(r2max, (heat.s0Mm2 + fourK * tau) * Math.log(amp / cutoffK));
  }
  return Math.sqrt(r2max) * 1.02;
}
