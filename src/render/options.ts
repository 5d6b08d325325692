/**
 * The render settings the command line checks (names, limits, defaults), kept free of the
 * drawing code and its libraries so parsing flags stays cheap; the renderer re-exports them.
 */
import { oneOf, PlanError } from "../errors.js";
import { parseDecimal } from "../guard/number.js";

/** Colormap names accepted by `--colormap` (viridis is the default). */
export const COLORMAPS = ["viridis", "inferno", "magma", "turbo", "gray"] as const;
export type ColormapName = (typeof COLORMAPS)[number];
/** Default colormap: perceptually uniform and readable in grayscale print. */
export const DEFAULT_COLORMAP: ColormapName = "viridis";

/** Default longest side of the map, px (`--width`, default 1200). */
export const DEFAULT_WIDTH_PX = 1200;
/** Limits on the map's longest side, px. */
export const MIN_WIDTH_PX = 64;
export const MAX_WIDTH_PX = 16384;
/** Reduce modes: the max keeps single microbeams visible; the mean shows dose per area. */
export const REDUCES = ["max", "mean"] as const;
export type Reduce = (typeof REDUCES)[number];
/** Most contour levels a picture lists (more would not be readable). */
export const MAX_CONTOUR_LEVELS = 4;
/** Jumps of the firing path a scan preview draws by default. */
export const DEFAULT_PREVIEW_JUMPS = 200;

/** Check a colormap name from a flag or option (PlanError naming `field` otherwise). */
export function checkColormap(name: string, field = "--colormap"): ColormapName {
  if ((COLORMAPS as readonly string[]).includes(name)) return name as ColormapName;
  throw new PlanError(field, name, oneOf(name, COLORMAPS));
}

/**
 * Parse a `--contours` value ("30,150") into sorted, distinct, positive depths in µm.
 * Throws a PlanError naming `field` on anything else.
 */
export function parseContourLevels(text: string, field = "--contours"): number[] {
  const parts = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const allowed = `allowed: up to ${MAX_CONTOUR_LEVELS} depths in µm > 0, comma-separated (e.g. 30,150)`;
  if (parts.length === 0 || parts.length > MAX_CONTOUR_LEVELS) throw new PlanError(field, text, allowed);
  const out: number[] = [];
  for (const p of parts) {
    const v = parseDecimal(p) ?? Number.NaN;
    if (!Number.isFinite(v) || v <= 0) throw new PlanError(field, text, allowed);
    if (!out.includes(v)) out.push(v);
  }
  return out.sort((a, b) => a - b);
}
