/**
 * The title line of every picture: the plan's key settings in the words an engineer would
 * say them (name, laser, spot, energy, density, order), units in each.
 */
import { derive } from "../plan/derived.js";
import type { ResolvedPlan } from "../plan/schema.js";
import { formatValue } from "./annotate.js";

/** "fractional-co2-demo · co2-10600 · 120 µm gaussian · 10 mJ (88.4 J/cm²) · 884 /cm² (10 %) · hex · raster order". */
export function planTitle(plan: ResolvedPlan): string {
  const d = derive(plan);
  const stack = plan.pulse.stack > 1 ? ` × ${plan.pulse.stack} pulses` : "";
  return [
    plan.name,
    plan.laser.name,
    `${formatValue(plan.spot.diameterUm)} µm ${plan.spot.profile}`,
    `${formatValue(d.energyMj)} mJ (${formatValue(d.fluenceJcm2)} J/cm²)${stack}`,
    `${formatValue(d.densityPerCm2)} /cm² (${formatValue(d.coverage * 100)} % coverage)`,
    `${plan.pattern.lattice} lattice`,
    `${plan.sequence.order} order`,
  ].join(" · ");
}
