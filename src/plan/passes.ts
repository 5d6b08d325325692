/**
 * Multi-pass plans (docs/passes.md): a plan's `passes` (partial plans merged over the base plan)
 * or its `pattern.passes: n` shorthand, expanded into one resolved plan per pass.
 */
import { derive } from "./derived.js";
import type { PassSpec, ResolvedPlan } from "./schema.js";

const DENSITY_KEYS = ["coverage", "pitchUm", "densityPerCm2"] as const;
const ENERGY_KEYS = ["energyMj", "fluenceJcm2"] as const;

/** True when the plan has more than one pass, or an aiming beam (the treatment path). */
export function isTreatmentPlan(plan: ResolvedPlan): boolean {
  return passCount(plan) > 1 || plan.scanner.aim !== undefined;
}

/** Number of passes of a plan. */
export function passCount(plan: ResolvedPlan): number {
  return plan.passes?.length ?? plan.pattern.passes ?? 1;
}

/** The plan without its pass keys (what a single pass is). */
function stripPasses(plan: ResolvedPlan): ResolvedPlan {
  const { passes: _p, ...rest } = plan;
  const { passes: _n, ...pattern } = plan.pattern;
  return { ...rest, pattern };
}

/** Merge one pass over the base plan: a density or energy key replaces the base's. */
export function mergePass(base: ResolvedPlan, pass: PassSpec): ResolvedPlan {
  const pattern: Record<string, unknown> = { ...base.pattern };
  if (pass.pattern) {
    if (DENSITY_KEYS.some((k) => pass.pattern?.[k] !== undefined))
      for (const k of DENSITY_KEYS) delete pattern[k];
    for (const [k, v] of Object.entries(pass.pattern)) if (v !== undefined) pattern[k] = v;
  }
  const pulse: Record<string, unknown> = { ...base.pulse };
  if (pass.pulse) {
    if (ENERGY_KEYS.some((k) => pass.pulse?.[k] !== undefined)) for (const k of ENERGY_KEYS) delete pulse[k];
    for (const [k, v] of Object.entries(pass.pulse)) if (v !== undefined) pulse[k] = v;
  }
  const defined = <T extends object>(o: T | undefined): Partial<T> =>
    Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
  return {
    ...base,
    pattern: pattern as ResolvedPlan["pattern"],
    pulse: pulse as ResolvedPlan["pulse"],
    spot: { ...base.spot, ...defined(pass.spot) },
    sequence: { ...base.sequence, ...defined(pass.sequence) },
  };
}

/**
 * Sub-pitch offsets of the `pattern.passes: n` shorthand, as fractions (u, v) of the lattice's
 * two basis vectors: pass k gets u = k/n, v = frac(k·m/n), with the multiplier m in 1 .. n−1 that
 * keeps the n shifted lattices furthest apart (ties: the smallest m). This is a rank-1 lattice
 * rule: the n passes together form a finer lattice of n times the density.
 */
export function shorthandFractions(n: number, lattice: "square" | "hex"): [number, number][] {
  const b2: [number, number] = lattice === "hex" ? [0.5, Math.sqrt(3) / 2] : [0, 1];
  const minDist = (m: number): number => {
    let best = Number.POSITIVE_INFINITY;
    for (let k = 1; k < n; k++) {
      const u0 = k / n;
      const v0 = ((k * m) % n) / n;
      // Nearest image over the neighbouring cells.
      for (let a = -1; a <= 1; a++)
        for (let b = -1; b <= 1; b++) {
          const u = u0 + a;
          const v = v0 + b;
          best = Math.min(best, Math.hypot(u + v * b2[0], v * b2[1]));
        }
    }
    return best;
  };
  let bestM = 1;
  let bestD = -1;
  for (let m = 1; m < Math.max(2, n); m++) {
    const d = minDist(m);
    if (d > bestD + 1e-12) {
      bestD = d;
      bestM = m;
    }
  }
  const out: [number, number][] = [];
  for (let k = 0; k < n; k++) out.push([k / n, ((k * bestM) % n) / n]);
  return out;
}

/**
 * The pass specs of `pattern.passes: n`: square, hex and jittered lattices shift pass k by
 * u·a1 + v·a2 ({@link shorthandFractions}; a1, a2 the lattice's basis vectors, turned by
 * `rotationDeg`) added to the plan's `offsetMm`; every lattice draws pass k from seed + k (random
 * and Poisson patterns have no lattice to shift).
 */
export function shorthandPasses(plan: ResolvedPlan, n: number): PassSpec[] {
  const p = plan.pattern;
  const pitchMm = derive(plan).pitchUm / 1000;
  const hex = p.lattice === "hex";
  const fr = shorthandFractions(n, hex ? "hex" : "square");
  const a = (p.rotationDeg * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const b2 = hex ? [0.5, Math.sqrt(3) / 2] : [0, 1];
  const shifts = p.lattice === "square" || p.lattice === "hex" || p.lattice === "jittered";
  return fr.map(([u, v], k) => {
    const lx = (u + v * b2[0]) * pitchMm;
    const ly = v * b2[1] * pitchMm;
    const dx = shifts ? lx * c - ly * s : 0;
    const dy = shifts ? lx * s + ly * c : 0;
    return {
      pattern: {
        offsetMm: [p.offsetMm[0] + dx, p.offsetMm[1] + dy] as [number, number],
        seed: (p.seed + k) >>> 0,
      },
    };
  });
}

/** One resolved plan per pass, in firing order (a one-pass plan gives itself). */
export function expandPasses(plan: ResolvedPlan): ResolvedPlan[] {
  if (plan.passes === undefined && plan.pattern.passes === undefined) return [plan];
  const base = stripPasses(plan);
  const specs = plan.passes ?? shorthandPasses(base, plan.pattern.passes ?? 1);
  return specs.map((spec) => mergePass(base, spec));
}
