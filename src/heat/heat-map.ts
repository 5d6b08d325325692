/**
 * `scan --heat-map f.png`: every spot as a disc of its true size coloured by the bulk
 * temperature rise it meets when it fires (docs/bulk-heating.md), with a colorbar in K, the
 * stamp fields, a title and a scale bar (the scan preview's layout, src/render/preview.ts).
 */
import type { Area } from "../area/types.js";
import { PlanError } from "../errors.js";
import type { ResolvedPlan } from "../plan/schema.js";
import { type PreviewScan, renderPreview } from "../render/preview.js";
import { planTitle } from "../render/title.js";

/** Heat maps use a dark-to-bright map (cool spots dark, hot ones bright). */
export const HEAT_MAP_COLORMAP = "inferno" as const;

/** Render the bulk-rise map PNG (same inputs → same bytes). `riseC` is per spot in firing order, K. */
export function renderBulkRiseMap(
  plan: ResolvedPlan,
  area: Area,
  scan: PreviewScan,
  riseC: Float64Array,
  warnK: number,
): Buffer {
  if (riseC.length !== scan.xMm.length)
    throw new PlanError("riseC", `${riseC.length} values`, `allowed: one per spot (${scan.xMm.length})`);
  return renderPreview(scan, {
    spotUm: plan.spot.diameterUm,
    fieldMm: plan.scanner.fieldMm,
    boundsMm: area,
    outline: area.outline(),
    outlineClosed: area.outlineClosed,
    title: `${planTitle(plan)} · bulk temperature rise at firing`,
    jumps: 0,
    colormap: HEAT_MAP_COLORMAP,
    colorBy: {
      values: riseC,
      label: "Bulk rise, K",
      unit: "K",
      caption: `the bulk temperature rise each meets when it fires (warning level ${warnK} K)`,
    },
  });
}
