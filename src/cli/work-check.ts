/**
 * The work guard of `sweep` (guard/work.ts): a first estimate from the number of variants and
 * the base plan before any variant is prepared (a 1000 × 1000 sweep is refused at once), then
 * the sum over the prepared variants.
 */
import { createArea } from "../area/index.js";
import type { Area } from "../area/types.js";
import { checkWork, simulateWork, sweepWork } from "../guard/work.js";
import type { ResolvedPlan } from "../plan/schema.js";

/** Check a sweep's work: `what` is the list of --vary specs (first estimate) or the prepared variants. */
export function checkSweepWork(
  base: ResolvedPlan,
  baseDir: string,
  what: readonly { values: readonly unknown[] }[] | readonly { plan: ResolvedPlan }[],
  shard: { n: number } | undefined,
  maxWork: number,
): void {
  const areas = new Map<string, Area>();
  const areaOf = (p: ResolvedPlan): Area => {
    const key = JSON.stringify(p.area);
    let a = areas.get(key);
    if (!a) {
      a = createArea(p.area, baseDir);
      areas.set(key, a);
    }
    return a;
  };
  if (what.length > 0 && "plan" in what[0]) {
    const plans = (what as readonly { plan: ResolvedPlan }[]).map((v) => v.plan);
    checkWork(sweepWork(plans, areaOf), maxWork, `this sweep of ${plans.length} variants`);
    return;
  }
  let variants = 1;
  for (const s of what as readonly { values: readonly unknown[] }[]) variants *= s.values.length;
  variants = Math.ceil(variants / (shard?.n ?? 1));
  // The base plan stands for every variant here (their own sum is checked once prepared).
  checkWork(variants * simulateWork(base, areaOf(base)), maxWork, `this sweep of ${variants} variants`);
}
