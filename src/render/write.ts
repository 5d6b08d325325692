/**
 * Pictures written to files: a heatmap of one raster (with a progress bar on a terminal), the
 * heatmaps of a finished simulation, and the scan preview. The drawing code (pureimage, fonts,
 * d3) loads only when a picture is drawn, so commands that may draw start as fast without one.
 */

import type { Area } from "../area/types.js";
import { DEFAULT_UNCERTAINTY_PCT } from "../dose/ablation.js";
import type { Raster } from "../dose/raster.js";
import { writeFileAtomic } from "../io/atomic.js";
import type { ResolvedPlan } from "../plan/schema.js";
import type { HeatmapLayout, HeatmapOptions } from "./heatmap.js";
import type { PreviewScan } from "./preview.js";

/** Render one raster to `path`; a progress bar on a terminal unless `json` (stdout is data). */
export async function writeHeatmap(
  path: string,
  raster: Raster,
  options: HeatmapOptions,
  json: boolean,
): Promise<HeatmapLayout> {
  const { renderHeatmapWithLayout } = await import("./heatmap.js");
  const { createProgress } = await import("./progress.js");
  const progress = createProgress(`heatmap ${path}`, { json });
  try {
    const { png, layout } = renderHeatmapWithLayout(raster, {
      ...options,
      onProgress: (f) => progress.update(f),
    });
    writeFileAtomic(path, png);
    return layout;
  } finally {
    progress.stop();
  }
}

/** Where the heatmaps of a simulation go (either may be left out). */
export interface SimulationHeatmapPaths {
  depth?: string;
  coag?: string;
}

/**
 * Write the heatmaps of a finished simulation, framed with the area outline. The depth map
 * needs the simulation run with `keepDepth`, the coagulation map with `keepCoag`. `options`
 * are the style; its title defaults to the plan's key settings.
 */
export async function writeSimulationHeatmaps(
  run: { sim: { depth?: Raster; coag?: Raster }; plan: ResolvedPlan; area: Area },
  paths: SimulationHeatmapPaths,
  options: HeatmapOptions,
  json: boolean,
): Promise<void> {
  if (paths.depth === undefined && paths.coag === undefined) return;
  const { planTitle } = await import("./title.js");
  const base: HeatmapOptions = {
    ...options,
    title: options.title ?? planTitle(run.plan),
    outline: run.area.outline(),
    outlineClosed: run.area.outlineClosed,
    uncertaintyPct: run.plan.laser.uncertaintyPct ?? DEFAULT_UNCERTAINTY_PCT,
  };
  if (paths.depth !== undefined) {
    if (!run.sim.depth) throw new Error("the depth raster was not kept for --heatmap");
    await writeHeatmap(paths.depth, run.sim.depth, { ...base, label: "Depth" }, json);
  }
  if (paths.coag !== undefined) {
    if (!run.sim.coag) throw new Error("the coagulation raster was not kept for --coag-heatmap");
    await writeHeatmap(paths.coag, run.sim.coag, { ...base, label: "Coagulation" }, json);
  }
}

/** Draw a scan (spots by firing time, stamp fields, the first `jumps` jumps) to `path`. */
export async function writeScanPreview(
  path: string,
  plan: ResolvedPlan,
  area: Area,
  scan: PreviewScan,
  jumps?: number,
): Promise<void> {
  const { renderPreview } = await import("./preview.js");
  const { planTitle } = await import("./title.js");
  const png = renderPreview(scan, {
    spotUm: plan.spot.diameterUm,
    fieldMm: plan.scanner.fieldMm,
    boundsMm: area,
    outline: area.outline(),
    outlineClosed: area.outlineClosed,
    title: planTitle(plan),
    jumps,
  });
  writeFileAtomic(path, png);
}
