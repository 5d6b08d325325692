/**
 * The one plan check every command that takes a plan runs (validate, scan, simulate, render
 * --plan, solve, sweep, and scan files read back): what the schema cannot see because it needs
 * the laser model or the area. The pulse must ablate (an ablative laser below threshold is
 * refused by `validate` as by `simulate`), holes lie inside their shell, and every count the
 * plan's numbers imply (stamps, spots) is bounded before anything is allocated for it.
 */
import type { Area } from "../area/types.js";
import { doseModel } from "../dose/ablation.js";
import { PlanError } from "../errors.js";
import { MAX_SPOTS } from "../pattern/lattices.js";
import { derive } from "./derived.js";
import type { ResolvedPlan } from "./schema.js";

/** Most scanner fields (stamps, empty ones included) an area may be tiled into. */
export const MAX_STAMPS = 1_000_000;
/** Tolerance of the stamp tiling, mm (as the tiler's). */
const EDGE_EPS_MM = 1e-9;

/** How many field steps cover `extentMm` (the tiler's own count, in floating point). */
function tiles(extentMm: number, fieldMm: number, stepMm: number): number {
  if (extentMm <= fieldMm + EDGE_EPS_MM) return 1;
  return Math.ceil((extentMm - fieldMm - EDGE_EPS_MM) / stepMm) + 1;
}

/**
 * Refuse a tiling of more than {@link MAX_STAMPS} fields over a `widthMm` × `heightMm` box
 * (called before the stamp arrays are allocated). Names the scanner field to change.
 */
export function checkStampCount(
  widthMm: number,
  heightMm: number,
  fieldMm: readonly [number, number],
  overlapMm: number,
): void {
  const sx = fieldMm[0] - overlapMm;
  const sy = fieldMm[1] - overlapMm;
  const n = tiles(widthMm, fieldMm[0], sx) * tiles(heightMm, fieldMm[1], sy);
  if (Number.isFinite(n) && n <= MAX_STAMPS) return;
  const overlapFault = overlapMm > 0 && Math.min(sx, sy) < 0.01 * Math.min(fieldMm[0], fieldMm[1]);
  const count = Number.isFinite(n) ? `${n.toPrecision(3)} stamps` : "too many stamps to count";
  throw new PlanError(
    overlapFault ? "scanner.overlapMm" : "scanner.fieldMm",
    overlapFault ? overlapMm : `[${fieldMm[0]}, ${fieldMm[1]}]`,
    `the ${+widthMm.toPrecision(6)} × ${+heightMm.toPrecision(6)} mm area would need ${count} (field step = fieldMm − overlapMm); allowed: at most ${MAX_STAMPS} stamps: ${overlapFault ? "a smaller overlapMm" : "a larger fieldMm"}`,
  );
}

/** Bounding box of an analytic or polygon area from the plan alone (undefined for files). */
function specBox(plan: ResolvedPlan): { w: number; h: number } | undefined {
  const a = plan.area;
  switch (a.shape) {
    case "rect":
    case "ellipse":
      return { w: a.widthMm, h: a.heightMm };
    case "circle":
      return { w: a.diameterMm, h: a.diameterMm };
    case "polygon": {
      let minX = Infinity;
      let maxX = -Infinity;
      let minY = Infinity;
      let maxY = -Infinity;
      for (const r of a.rings)
        for (const [x, y] of r) {
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      return { w: maxX - minX, h: maxY - minY };
    }
    case "mask":
      return a.widthPx !== undefined && a.heightPx !== undefined
        ? { w: a.widthPx * a.pixelMm, h: a.heightPx * a.pixelMm }
        : undefined;
    default:
      return undefined;
  }
}

export interface PlanCheckOptions {
  /** Check that the pulse ablates (off for `solve --vary energy`, and sweeps that vary the energy). */
  dose?: boolean;
}

/** Check what the schema cannot (see the file comment) without reading the area's file. */
export function checkPlan(plan: ResolvedPlan, opts: PlanCheckOptions = {}): void {
  if (opts.dose !== false) doseModel(plan);
  const box = specBox(plan);
  if (box) checkStampCount(box.w, box.h, plan.scanner.fieldMm, plan.scanner.overlapMm);
}

/** The checks that need the area itself (its bounding box and treated area). */
export function checkPlanArea(plan: ResolvedPlan, area: Area): void {
  checkStampCount(area.maxX - area.minX, area.maxY - area.minY, plan.scanner.fieldMm, plan.scanner.overlapMm);
  const expected = (derive(plan).densityPerCm2 / 100) * area.areaMm2;
  if (!(expected <= MAX_SPOTS))
    throw new PlanError(
      "pattern",
      `${Math.round(expected)} spots`,
      `allowed: at most ${MAX_SPOTS} spots; lower the density or the area`,
    );
}
