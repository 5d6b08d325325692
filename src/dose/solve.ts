/**
 * `solve`: the pulse energy, stack or coverage that reaches a target depth, by mean
 * (over the area) or peak. Closed forms give the first guess (peak depth per pulse; mean =
 * density × crater volume when craters do not overlap the edge); the simulated metric is then
 * bracketed and refined (Illinois regula falsi) until it is within 0.1 % of the target.
 */
import { createArea } from "../area/index.js";
import type { Area } from "../area/types.js";
import { PlanError } from "../errors.js";
import { checkWork, simulateWork } from "../guard/work.js";
import { generatePattern } from "../pattern/index.js";
import { derive } from "../plan/derived.js";
import { passCount } from "../plan/passes.js";
import type { ResolvedPlan } from "../plan/schema.js";
import { buildScan } from "../sequence/index.js";
import { craterVolumeUm3, type DoseModel, doseModelAtEnergy, thresholdEnergyMj } from "./ablation.js";
import { discAreaCm2 } from "./beam.js";
import type { Report } from "./report.js";
import { simulateSpots } from "./simulate.js";

export const SOLVE_BY = ["mean", "peak"] as const;
export const SOLVE_VARY = ["energy", "stack", "coverage"] as const;
export type SolveBy = (typeof SOLVE_BY)[number];
export type SolveVary = (typeof SOLVE_VARY)[number];

/** Relative tolerance of the refinement on the simulated metric. */
const REL_TOL = 1e-3;
/** Simulations allowed for one solve. */
const MAX_EVALS = 30;
/** Bracket growth factor. */
const STEP = 1.25;
const UM2_PER_CM2 = 1e8;
/** Largest stack a plan allows (`pulse.stack`). */
export const MAX_STACK = 1000;
/** Largest coverage a plan allows (`pattern.coverage`). */
const MAX_COVERAGE = 100;

/** The target cannot be reached within the plan's limits: exit 2 with the reachable range. */
function unreachable(targetUm: number, vary: SolveVary, by: SolveBy, range: string): PlanError {
  return new PlanError(
    "--target-depth",
    targetUm,
    `not reachable by varying the ${vary}: the ${by} depth reachable is ${range}; allowed: a target in that range, or vary another setting`,
  );
}

const um = (v: number): string => `${+v.toPrecision(4)} µm`;

/** The report fields `solve` predicts. */
export interface Predicted {
  spots: number;
  densityPerCm2: number;
  coverage: number;
  depth: Report["depth"];
  ablatedFraction: number;
  coagulation: Report["coagulation"];
}

/** `solve` output. */
export interface SolveResult {
  energyMj: number;
  stack: number;
  coverage: number;
  predicted: Predicted;
  /** The metric reached, µm, and whether it is within 1 % of the target. */
  reachedUm: number;
  converged: boolean;
  warnings: string[];
}

/** Options of {@link solvePlan}. */
export interface SolveOptions {
  by?: SolveBy;
  vary?: SolveVary;
  baseDir?: string;
  threads?: number;
  maxMemoryMb?: number;
  /** Refuse a solve whose simulations are estimated above this many pixel updates (guard/work.ts). */
  maxWork?: number;
}

function withSetting(plan: ResolvedPlan, vary: SolveVary, value: number): ResolvedPlan {
  if (vary === "energy") return { ...plan, pulse: { stack: plan.pulse.stack, energyMj: value } };
  if (vary === "stack") return { ...plan, pulse: { ...plan.pulse, stack: value } };
  const { pitchUm: _p, densityPerCm2: _d, ...pattern } = plan.pattern;
  return { ...plan, pattern: { ...pattern, coverage: value } };
}

/** Depth metric of a model without simulating: peak of one spot (stack included). */
function peakOf(m: DoseModel, stack: number): number {
  return m.kind === "ablative" ? stack * m.peakDepthUm : m.columnDepthUm;
}

/** Mean over the area if no crater crosses its edge: density × stack × crater volume. */
function meanOf(m: DoseModel, stack: number, densityPerCm2: number): number {
  const perUm2 = densityPerCm2 / UM2_PER_CM2;
  if (m.kind === "ablative") return perUm2 * stack * craterVolumeUm3(m);
  return Math.min(1, perUm2 * Math.PI * m.columnRadiusUm ** 2) * m.columnDepthUm;
}

/** Smallest x in [lo, hi] with f(x) ≥ target for an increasing f, by bisection (closed forms). */
function bisect(f: (x: number) => number, lo: number, hi: number, target: number): number {
  let a = lo;
  let b = hi;
  let grow = 0;
  while (f(b) < target && grow++ < 200) b *= 2;
  for (let i = 0; i < 200 && b - a > 1e-12 * b; i++) {
    const mid = (a + b) / 2;
    if (f(mid) < target) a = mid;
    else b = mid;
  }
  return b;
}

/**
 * Find the plan setting (pulse energy, stack or coverage) whose simulated mean or peak depth
 * (coagulation depth for a non-ablative laser) reaches `targetUm`.
 */
export async function solvePlan(
  plan: ResolvedPlan,
  targetUm: number,
  opts: SolveOptions = {},
): Promise<SolveResult> {
  const by = opts.by ?? "mean";
  const vary = opts.vary ?? "energy";
  if (!(targetUm > 0)) throw new PlanError("--target-depth", targetUm, "allowed: a depth in µm > 0");
  if (vary === "coverage" && by === "peak")
    throw new PlanError(
      "--vary",
      vary,
      "allowed with --by peak: energy | stack (coverage does not change a crater's peak)",
    );
  if (passCount(plan) > 1)
    throw new PlanError(
      "passes",
      `${passCount(plan)} passes`,
      "solve searches one-pass plans; remove passes and pattern.passes (docs/passes.md)",
    );
  const area: Area = createArea(plan.area, opts.baseDir);
  // Up to MAX_EVALS simulations of about the plan's size (a stack solve: the plan's stack).
  if (opts.maxWork !== undefined)
    checkWork(
      MAX_EVALS * simulateWork(plan, area),
      opts.maxWork,
      `this solve (up to ${MAX_EVALS} simulations)`,
    );
  const warnings: string[] = [];
  const ablative = plan.laser.kind === "ablative";
  const d0 = derive(plan);
  const radiusUm = plan.spot.diameterUm / 2;
  let fixedSpots = vary === "coverage" ? undefined : generatePattern(plan, area);

  const evaluate = async (value: number): Promise<Report> => {
    const p = withSetting(plan, vary, value);
    const spots = fixedSpots ?? generatePattern(p, area);
    const sim = await simulateSpots(
      { plan: p, area, spots, pulses: p.pulse.stack, firing: () => buildScan(p, area, spots) },
      { keepDepth: false, threads: opts.threads, maxMemoryMb: opts.maxMemoryMb },
    );
    return sim.report;
  };
  const metric = (r: Report): number => {
    const d = ablative ? r.depth : r.coagulation;
    return by === "mean" ? d.meanUm : d.maxUm;
  };

  let value: number;
  let report: Report;
  if (vary === "stack") {
    const one = await evaluate(1);
    const per = metric(one);
    // Depth adds up pulse by pulse: the stack needed is target / (depth of one pulse).
    if (!(per > 0)) throw unreachable(targetUm, vary, by, "0 µm (one pulse removes nothing)");
    if (targetUm / per > MAX_STACK + 0.5)
      throw unreachable(
        targetUm,
        vary,
        by,
        `about ${um(per)} .. ${um(per * MAX_STACK)} (stack 1 .. ${MAX_STACK})`,
      );
    value = Math.max(1, Math.round(targetUm / per));
    report = value === 1 ? one : await evaluate(value);
    // With a re-hit table depth is not linear in the stack (docs/rehit.md): walk to the closest.
    if (ablative && plan.laser.reHit !== undefined && per > 0) {
      const up = metric(report) < targetUm;
      for (let evals = 0; evals < MAX_EVALS && (up || value > 1); evals++) {
        const next = value + (up ? 1 : -1);
        const r = await evaluate(next);
        const closer = Math.abs(metric(r) - targetUm) <= Math.abs(metric(report) - targetUm);
        if (closer) {
          value = next;
          report = r;
        }
        if (!closer || (up ? metric(r) >= targetUm : metric(r) <= targetUm)) break;
      }
    }
  } else {
    // Closed-form first guess, then bracket and refine on the simulated metric.
    let lo: number;
    let guess: number;
    if (vary === "energy") {
      lo = ablative ? thresholdEnergyMj(plan.spot.profile, radiusUm, plan.laser.thresholdJcm2) : 0;
      const closed = (e: number): number => {
        if (e <= lo) return 0;
        const m = doseModelAtEnergy(plan, e);
        return by === "peak" ? peakOf(m, plan.pulse.stack) : meanOf(m, plan.pulse.stack, d0.densityPerCm2);
      };
      guess = bisect(closed, lo, Math.max(lo * 2, d0.energyMj, 1e-6), targetUm);
      if (!Number.isFinite(guess) || !(closed(guess) >= 0.5 * targetUm))
        throw unreachable(
          targetUm,
          vary,
          by,
          `below about ${um(closed(Math.min(guess, Number.MAX_VALUE)))} at any finite pulse energy`,
        );
    } else {
      lo = 0;
      const m = doseModelAtEnergy(plan, d0.energyMj);
      const perSpotUm3 =
        m.kind === "ablative"
          ? plan.pulse.stack * craterVolumeUm3(m)
          : Math.PI * m.columnRadiusUm ** 2 * m.columnDepthUm;
      guess = perSpotUm3 > 0 ? ((targetUm * UM2_PER_CM2) / perSpotUm3) * discAreaCm2(radiusUm) : d0.coverage;
      if (!(perSpotUm3 > 0)) throw unreachable(targetUm, vary, by, "0 µm (one spot removes nothing)");
      if (guess > MAX_COVERAGE)
        throw unreachable(
          targetUm,
          vary,
          by,
          `up to about ${um((targetUm * MAX_COVERAGE) / guess)} (coverage up to ${MAX_COVERAGE}, i.e. ${MAX_COVERAGE * 100} %)`,
        );
    }
    const cache = new Map<number, Report>();
    const f = async (x: number): Promise<number> => {
      let r = cache.get(x);
      if (!r) {
        r = await evaluate(x);
        cache.set(x, r);
      }
      return metric(r) - targetUm;
    };
    let evals = 0;
    let a = guess;
    let fa = await f(a);
    evals++;
    let b = fa < 0 ? a * STEP : Math.max(lo + (a - lo) / STEP, a / STEP);
    let fb = await f(b);
    evals++;
    while (Math.sign(fa) === Math.sign(fb) && evals < MAX_EVALS) {
      const grow = fa < 0 ? b * STEP : Math.max(lo + (b - lo) / STEP, b / STEP);
      a = b;
      fa = fb;
      b = grow;
      fb = await f(b);
      evals++;
    }
    // Illinois regula falsi inside [a, b].
    let side = 0;
    while (evals < MAX_EVALS && Math.abs(fb) > REL_TOL * targetUm) {
      const c = (a * fb - b * fa) / (fb - fa);
      const fc = await f(c);
      evals++;
      if (Math.sign(fc) === Math.sign(fb)) {
        b = c;
        fb = fc;
        if (side === -1) fa /= 2;
        side = -1;
      } else {
        a = b;
        fa = fb;
        b = c;
        fb = fc;
        if (side === 1) fa /= 2;
        side = 1;
      }
      if (Math.abs(fa) < Math.abs(fb) && Math.abs(fa) <= REL_TOL * targetUm) {
        [a, b] = [b, a];
        [fa, fb] = [fb, fa];
      }
    }
    value = b;
    report = cache.get(b) as Report;
  }
  fixedSpots = undefined;
  const reached = metric(report);
  const converged = Math.abs(reached / targetUm - 1) <= 0.01;
  if (!converged)
    warnings.push(
      `closest ${vary} reaches ${reached.toFixed(2)} µm, not within 1 % of ${targetUm} µm${vary === "stack" ? " (the stack is a whole number)" : ""}`,
    );
  const solved = withSetting(plan, vary, value);
  const dSolved = derive(solved);
  return {
    energyMj: dSolved.energyMj,
    stack: solved.pulse.stack,
    coverage: dSolved.coverage,
    predicted: {
      spots: report.spots,
      densityPerCm2: report.densityPerCm2,
      coverage: report.coverage,
      depth: report.depth,
      ablatedFraction: report.ablatedFraction,
      coagulation: report.coagulation,
    },
    reachedUm: reached,
    converged,
    warnings: [...warnings, ...report.warnings],
  };
}
