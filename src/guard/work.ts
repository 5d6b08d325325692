/**
 * Work estimates (docs/robustness.md): before a simulation starts, the pixel updates it will
 * make are estimated from the plan alone (raster pixels visited, plus spots × pixels each spot's
 * footprint touches × pulses), and a run beyond the limit is refused with the estimate and the
 * flag that raises it. Sweeps multiply by their variants, `solve` by its simulations. The
 * estimate is an upper-bound-ish count of inner-loop steps, not a time: the time shown is
 * only an order of magnitude.
 */
import type { Area } from "../area/types.js";
import { doseModel } from "../dose/ablation.js";
import { PlanError } from "../errors.js";
import { derive } from "../plan/derived.js";
import type { ResolvedPlan } from "../plan/schema.js";

/** Default `--max-work`: pixel updates (about ten minutes on a laptop core, see docs/robustness.md). */
export const DEFAULT_MAX_WORK = 2e11;
/** Pixel updates per second assumed for the time shown in messages (order of magnitude). */
export const UPDATES_PER_SECOND = 3e8;

/**
 * Fixed cost of one simulation in pixel-update units (plan, pattern, order, stamps: about 1.5 ms
 * measured per sweep variant of a 3 × 3 mm plan), and the cost per spot of ordering, timing and
 * heat beside its splat.
 */
const SIMULATION_OVERHEAD = 4e5;
const PER_SPOT = 300;

/** Estimated pixel updates of simulating `spots` spots (default: the plan's expected count). */
export function simulateWork(plan: ResolvedPlan, area: Area, spots?: number, pulsesPerSpot?: number): number {
  const pixMm = plan.raster.pixelUm / 1000;
  const pixels = Math.ceil((area.maxX - area.minX) / pixMm) * Math.ceil((area.maxY - area.minY) / pixMm);
  const n = spots ?? (derive(plan).densityPerCm2 / 100) * area.areaMm2;
  let radiusUm = plan.spot.diameterUm / 2;
  try {
    const m = doseModel(plan);
    radiusUm = Math.max(m.craterRadiusUm, m.columnRadiusUm, m.beam.radiusUm);
  } catch {
    // a pulse that does not ablate is refused elsewhere; the beam radius is a fair bound
  }
  const side = (2 * radiusUm) / plan.raster.pixelUm + 1;
  // A stack of pulses is one splat with a scale (one pass), but count a little per pulse.
  const pulses = pulsesPerSpot ?? plan.pulse.stack;
  return SIMULATION_OVERHEAD + pixels + n * (PER_SPOT + side * side * (1 + 0.01 * (pulses - 1)));
}

/** "3.2e+12 pixel updates (about 3 h)". */
export function describeWork(work: number): string {
  const s = work / UPDATES_PER_SECOND;
  const time =
    s < 90
      ? `${Math.max(1, Math.round(s))} s`
      : s < 5400
        ? `${Math.round(s / 60)} min`
        : `${+(s / 3600).toPrecision(2)} h`;
  return `${work.toPrecision(2)} pixel updates (very roughly ${time})`;
}

/**
 * Refuse `work` beyond `maxWork` (exit 2) naming the flag, the estimate, what drives it and how
 * to raise the limit. `what` describes the run (e.g. "this simulation", "240 variants").
 */
export function checkWork(work: number, maxWork: number, what: string): void {
  if (Number.isFinite(work) && work <= maxWork) return;
  const need = Number.isFinite(work) ? Number(work.toPrecision(2)) * 1.1 : Number.POSITIVE_INFINITY;
  throw new PlanError(
    "--max-work",
    maxWork,
    `${what} is estimated at ${Number.isFinite(work) ? describeWork(work) : "more pixel updates than can be counted"}; allowed: at most ${maxWork.toPrecision(2)}. Raise it with --max-work ${Number.isFinite(need) ? need.toPrecision(2) : "<n>"} if you mean it, or use a larger raster.pixelUm (--pixel-um), a smaller area or fewer spots`,
  );
}

/** Distinct areas of many plans, built once each (sweeps vary other keys far more often). */
export function sweepWork(plans: readonly ResolvedPlan[], areaOf: (plan: ResolvedPlan) => Area): number {
  let total = 0;
  for (const p of plans) total += simulateWork(p, areaOf(p));
  return total;
}
