/**
 * The bulk rise by hand (docs/bulk-heating.md), for tests: the surface formula written out from
 * the model statement, and the numbers of a 120 µm CO2 spot on the co2-10600 preset worked out by
 * hand, with the two-spot plan several tests check against them.
 */
import fc from "fast-check";
import { type PulseHeat, surfaceRiseK } from "../../src/heat/bulk-model.js";
import { erfSimpson } from "../heat/fd3d.js";

/** Thermal diffusivity, mm²/s, and volumetric heat capacity, J/(mm³·K) (3.7 J/(cm³·K)). */
export const KAPPA = 0.13;
export const RHO_C = 3.7e-3;

/**
 * Surface rise, K, at `rMm` a time `dtS` after a pulse leaving `qJ` in a column `depthMm` deep with
 * radial variance `s0` (mm²): Q/(ρc·L)·erf(L/√(4κτ))·exp(−r²/S)/(πS), S = s0 + 4κτ (erf by Simpson).
 */
export function surfaceRiseByHand(qJ: number, depthMm: number, s0: number, rMm: number, dtS: number): number {
  const fourKt = 4 * KAPPA * dtS;
  const s = s0 + fourKt;
  return (
    ((qJ / (RHO_C * depthMm)) * erfSimpson(depthMm / Math.sqrt(fourKt)) * Math.exp((-rMm * rMm) / s)) /
    (Math.PI * s)
  );
}

/**
 * Total coagulated depth of a 120 µm CO2 pulse of `eMj`, mm: the co2-10600 preset's published
 * table (80 mJ → 720 µm, 160 mJ → 1000 µm, in vivo histology) along its power law (log-log line).
 */
export const co2CoagTotalMm = (eMj: number): number => (720 * (eMj / 80) ** Math.log2(1000 / 720)) / 1000;

/** Residual heat of a 120 µm Gaussian CO2 pulse of `eMj`, J: Fth·(πw²/2)·(1 + ln(F0/Fth)), Fth = 5 J/cm², w = 0.006 cm. */
export function co2ResidualJ(eMj: number): number {
  const f0 = (2 * (eMj / 1000)) / (Math.PI * 0.006 ** 2);
  return 5 * ((Math.PI * 0.006 ** 2) / 2) * (1 + Math.log(f0 / 5));
}

/** Surface rise, K, at `rMm`, `dtS` after a 10 mJ 120 µm CO2 pulse (s0 = w²/2 = 0.0018 mm²). */
export const co2RiseByHand = (rMm: number, dtS: number): number =>
  surfaceRiseByHand(co2ResidualJ(10), co2CoagTotalMm(10), 0.0018, rMm, dtS);

/** Two 120 µm CO2 spots 100 µm apart at 10 mJ, fired in raster order (co2-10600); `extra` adds keys. */
export function twoCo2Spots(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    name,
    laser: "co2-10600",
    spot: { diameterUm: 120 },
    pulse: { energyMj: 10 },
    pattern: { lattice: "square", pitchUm: 100, seed: 1 },
    area: { shape: "rect", widthMm: 0.2, heightMm: 0.1 },
    sequence: { order: "raster", seed: 1 },
    ...extra,
  };
}

/**
 * Random small scans for properties: spots in [0, maxMm]², fired in order with gaps of 0 to
 * `maxGapUs` µs (ties included), 1 to 3 pulses each.
 */
export function scanArb(maxMm: number, maxGapUs: number, minLength: number, maxLength: number) {
  return fc
    .array(
      fc.record({
        x: fc.double({ min: 0, max: maxMm, noNaN: true }),
        y: fc.double({ min: 0, max: maxMm, noNaN: true }),
        dt: fc.integer({ min: 0, max: maxGapUs }).map((us) => us / 1000),
        p: fc.integer({ min: 1, max: 3 }),
      }),
      { minLength, maxLength },
    )
    .map((list) => {
      let t = 0;
      const x = new Float64Array(list.length);
      const y = new Float64Array(list.length);
      const tMs = new Float64Array(list.length);
      const p = new Uint32Array(list.length);
      list.forEach((s, i) => {
        t += s.dt;
        x[i] = s.x;
        y[i] = s.y;
        tMs[i] = t;
        p[i] = s.p;
      });
      return { x, y, tMs, p };
    });
}

/**
 * The bulk rise spot i meets, summed over every earlier pulse without cut-off (pulse k of spot j
 * at t[j] + k·periodMs; only spots `source(j)` says leave heat): the reference for the ladder.
 */
export function fullSumAt(
  heat: PulseHeat,
  spots: { x: Float64Array; y: Float64Array; t: Float64Array; p: ArrayLike<number> },
  periodMs: number,
  i: number,
  source: (j: number) => boolean = () => true,
): number {
  const { x, y, t, p } = spots;
  let want = 0;
  for (let j = 0; j < i; j++) {
    if (!source(j)) continue;
    for (let k = 0; k < p[j]; k++) {
      const dt = t[i] - (t[j] + k * periodMs);
      if (dt > 0) want += surfaceRiseK(heat, Math.hypot(x[i] - x[j], y[i] - y[j]), dt);
    }
  }
  return want;
}

/** `n` spots `pitchMm` apart, `perRow` to a row, row after row, with `pulses` each; times from `tOf`. */
export function rowsOfSpots(
  n: number,
  perRow: number,
  pitchMm: number,
  pulses: number,
  tOf: (i: number) => number,
) {
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = (i % perRow) * pitchMm;
    y[i] = Math.floor(i / perRow) * pitchMm;
    t[i] = tOf(i);
  }
  return { x, y, t, p: new Uint32Array(n).fill(pulses) };
}
