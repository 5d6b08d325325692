/**
 * Spot patterns (docs/formats.md): square, hex, jittered, random and Poisson-disk lattices inside
 * the treatment area, at the plan's density, as flat Float64Arrays.
 */
import type { Area } from "../area/types.js";
import { PlanError } from "../errors.js";
import { derive, perMm2 } from "../plan/derived.js";
import type { ResolvedPlan } from "../plan/schema.js";
import {
  jitteredLattice,
  latticeSteps,
  MAX_SPOTS,
  randomPoints,
  regularLattice,
  SpotBuffer,
} from "./lattices.js";
import { poissonDisk } from "./poisson.js";
import { uniform } from "./random.js";
import { latticeTransform } from "./transform.js";
import type { Spots } from "./types.js";

export { MAX_SPOTS } from "./lattices.js";
export type { Spots } from "./types.js";

/**
 * Poisson min distance r = √(C / density): Roberts-variant Bridson fills to ≈ 0.78/r² (k = 8)
 * (measured on 100 mm squares); C = 0.74 overshoots the target by ≈ 6 % and the surplus is
 * thinned at random to the exact count, which keeps the minimum distance.
 */
const POISSON_PACKING = 0.74;
/** Random streams of one seed, so lattices drawing different numbers do not share them. */
const STREAM_JITTER = 1;
const STREAM_RANDOM = 2;
/** Poisson streams: the whole area (or the first strip), the second strip, the seam. */
const STREAM_POISSON = [3, 5, 6] as const;
const STREAM_THIN = 4;

/** Minimum spot distance (mm) the Poisson lattice uses for a density in spots per mm². */
export function poissonMinDistanceMm(densityPerMm2: number): number {
  return Math.sqrt(POISSON_PACKING / densityPerMm2);
}

/** The number of spots a plan's density asks for over the area. */
export function expectedSpots(plan: ResolvedPlan, area: Area): number {
  return perMm2(derive(plan).densityPerCm2) * area.areaMm2;
}

function trim(buf: SpotBuffer, spacingMm: number, withIndex: boolean): Spots {
  const n = buf.count;
  return {
    x: buf.x.slice(0, n),
    y: buf.y.slice(0, n),
    count: n,
    row: withIndex ? buf.row.slice(0, n) : undefined,
    col: withIndex ? buf.col.slice(0, n) : undefined,
    spacingMm,
  };
}

/** Generate the plan's spot pattern inside the area. */
export function generatePattern(plan: ResolvedPlan, area: Area): Spots {
  const d = derive(plan);
  const p = plan.pattern;
  const density = perMm2(d.densityPerCm2);
  const expected = density * area.areaMm2;
  if (expected > MAX_SPOTS)
    throw new PlanError(
      "pattern",
      `${Math.round(expected)} spots`,
      `allowed: at most ${MAX_SPOTS} spots; lower the density or the area`,
    );
  const spacingMm = d.spacingMm;
  const pitchMm = d.pitchUm / 1000;
  const m = latticeTransform(area, p.rotationDeg, p.offsetMm);
  const capacity = expected * 1.1 + 64;
  let spots: Spots;
  switch (p.lattice) {
    case "square":
    case "hex": {
      const buf = new SpotBuffer(capacity);
      regularLattice(area, latticeSteps(p.lattice, pitchMm), m, buf);
      spots = trim(buf, spacingMm, true);
      break;
    }
    case "jittered": {
      const buf = new SpotBuffer(capacity);
      jitteredLattice(area, pitchMm, p.jitter, m, uniform(p.seed, STREAM_JITTER), buf);
      spots = trim(buf, spacingMm, true);
      break;
    }
    case "random": {
      const buf = new SpotBuffer(Math.round(expected) + 1);
      randomPoints(area, Math.round(expected), uniform(p.seed, STREAM_RANDOM), buf);
      spots = trim(buf, spacingMm, false);
      break;
    }
    case "poisson":
      spots = poissonSpots(area, density, p.seed, spacingMm);
      break;
  }
  if (spots.count === 0)
    throw new PlanError(
      "area",
      `${area.shape} of ${+area.areaMm2.toFixed(4)} mm²`,
      `no spot falls inside it at this density (spacing ${+spacingMm.toFixed(4)} mm); enlarge the area or raise the density`,
    );
  return spots;
}

function poissonSpots(area: Area, density: number, seed: number, spacingMm: number): Spots {
  const rMm = poissonMinDistanceMm(density);
  const pts = poissonDisk(area, rMm, seed, STREAM_POISSON);
  const k = pts.count;
  const target = Math.round(density * area.areaMm2);
  let chosen = new Int32Array(k);
  for (let i = 0; i < k; i++) chosen[i] = i;
  if (k > target) {
    // Partial Fisher–Yates over positions: a seeded uniform set of the k − target points to
    // drop (a few percent: far fewer draws than choosing the ones to keep), the rest kept in
    // placement order by flags (no sort of a million indices).
    const rand = uniform(seed, STREAM_THIN);
    const pick = Int32Array.from(chosen);
    const drop = new Uint8Array(k);
    for (let i = 0; i < k - target; i++) {
      const j = i + Math.floor(rand() * (k - i));
      const t = pick[i];
      pick[i] = pick[j];
      pick[j] = t;
      drop[pick[i]] = 1;
    }
    let m = 0;
    for (let i = 0; i < k; i++) if (drop[i] === 0) chosen[m++] = i;
    chosen = chosen.subarray(0, m);
  }
  const n = chosen.length;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = pts.x[chosen[i]];
    y[i] = pts.y[chosen[i]];
  }
  return { x, y, count: n, spacingMm };
}
