/**
 * Reading a depth map in plan coordinates (mm, y up) and cutting a cross-section through it.
 * Pure arithmetic on typed arrays, with no Node or browser dependency: the page script
 * (bundled into view.html) and the section PNG (src/render/section.ts) share it, so the page's
 * `section()` and `render --section` give the same profile from the same map.
 */

/** A map over a rectangle: row 0 is the LOWEST y, as in the simulator's rasters. */
export interface MapGrid {
  readonly data: ArrayLike<number>;
  readonly width: number;
  readonly height: number;
  /** Pixel size, µm. */
  readonly pixelUm: number;
  /** Lower-left corner of the map, mm. */
  readonly originMm: readonly [number, number];
}

/** Points this close to the map's edge (in pixels) still count as on the map. */
const EDGE_SLACK = 1e-6;

/**
 * Index of the pixel holding the point (x, y) mm, or −1 outside the map. Pixel (i, j) covers
 * [minX + i·p, minX + (i+1)·p) × [minY + j·p, minY + (j+1)·p); the far edges belong to the
 * last pixel.
 */
export function pixelIndexAt(g: MapGrid, xMm: number, yMm: number): number {
  const p = g.pixelUm / 1000;
  const fx = (xMm - g.originMm[0]) / p;
  const fy = (yMm - g.originMm[1]) / p;
  // A millionth of a pixel of slack at the edges absorbs the decimal → binary rounding of mm.
  if (!(fx >= -EDGE_SLACK && fy >= -EDGE_SLACK && fx <= g.width + EDGE_SLACK && fy <= g.height + EDGE_SLACK))
    return -1;
  const i = Math.max(0, Math.min(g.width - 1, Math.floor(fx)));
  const j = Math.max(0, Math.min(g.height - 1, Math.floor(fy)));
  return j * g.width + i;
}

/** The map's value at (x, y) mm: the pixel holding the point; NaN outside the map. */
export function valueAtMm(g: MapGrid, xMm: number, yMm: number): number {
  const k = pixelIndexAt(g, xMm, yMm);
  return k < 0 ? Number.NaN : g.data[k];
}

/** Samples per pixel along a section line (two: no pixel the line crosses is skipped by much). */
export const SAMPLES_PER_PIXEL = 2;

/** Number of intervals a section of length `lengthMm` is cut into on a map of `pixelUm`. */
export function sectionIntervals(lengthMm: number, pixelUm: number): number {
  const step = pixelUm / 1000 / SAMPLES_PER_PIXEL;
  const n = Math.ceil(lengthMm / step - 1e-9);
  return Number.isFinite(n) && n > 1 ? n : 1;
}

/** A cross-section: distance along the line and the map values there. */
export interface Section {
  /** Distance from the start of the line, mm. */
  sMm: Float64Array;
  /** Values of the map at each sample (NaN outside the map). */
  values: Float64Array;
  /** Line ends, mm. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  lengthMm: number;
}

/**
 * Sample `g` along the straight line from (x0, y0) to (x1, y1) mm: n + 1 evenly spaced points
 * (both ends included, n = {@link sectionIntervals}, spacing at most half a pixel), each taking
 * the value of the pixel that holds it.
 */
export function sampleSection(g: MapGrid, x0: number, y0: number, x1: number, y1: number): Section {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const lengthMm = Math.hypot(dx, dy);
  const n = sectionIntervals(lengthMm, g.pixelUm);
  const sMm = new Float64Array(n + 1);
  const values = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) {
    const t = k / n;
    sMm[k] = lengthMm * t;
    values[k] = valueAtMm(g, x0 + dx * t, y0 + dy * t);
  }
  return { sMm, values, x0, y0, x1, y1, lengthMm };
}

/** Skin layers of a region (histology thickness, µm). */
export interface SkinLayers {
  name: string;
  epidermisUm: number;
  dermisUm: number;
}

/** A tick step of 1, 2 or 5 × 10^k giving about `target` intervals over `span` (as the PNGs' axes). */
export function niceStep(span: number, target = 5): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const f = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
  return f * mag;
}

/** Ticks 0, step, 2·step, ... ≤ max (1-2-5 steps, about `target` of them). */
export function niceTicks(max: number, target = 5): number[] {
  const step = niceStep(max, target);
  const out: number[] = [];
  for (let k = 0; k * step <= max * (1 + 1e-9); k++) out.push(k * step);
  return out;
}

/** A tick value with as many decimals as its step needs. */
export function formatTick(v: number, step: number): string {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(decimals);
}

/** A number for prose: 3 significant digits, no trailing zeros, no exponent (as the PNGs print). */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  const decimals = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : Math.min(6, 2 - Math.floor(Math.log10(a)));
  return String(Number(v.toFixed(decimals)));
}

/**
 * Depth shown at the bottom of a section plot, µm: room below the deepest crater and
 * coagulation, and at least three epidermis thicknesses when skin layers are drawn, rounded up
 * to a tick.
 */
export function sectionBottomUm(maxDepthUm: number, maxCoagUm: number, layers?: SkinLayers): number {
  let want = Math.max(maxDepthUm, maxCoagUm, 10) * 1.2;
  if (layers) want = Math.max(want, layers.epidermisUm * 3);
  const step = niceStep(want, 5);
  return Math.ceil(want / step - 1e-9) * step;
}

/** A skin-layer band of a section plot, from `topUm` to `bottomUm` below the surface. */
export interface LayerBand {
  name: "epidermis" | "dermis" | "subcutis";
  topUm: number;
  bottomUm: number;
}

/** The skin-layer bands visible between the surface and `bottomUm`. */
export function layerBands(layers: SkinLayers, bottomUm: number): LayerBand[] {
  const e = layers.epidermisUm;
  const d = e + layers.dermisUm;
  const out: LayerBand[] = [{ name: "epidermis", topUm: 0, bottomUm: Math.min(e, bottomUm) }];
  if (bottomUm > e) out.push({ name: "dermis", topUm: e, bottomUm: Math.min(d, bottomUm) });
  if (bottomUm > d) out.push({ name: "subcutis", topUm: d, bottomUm });
  return out;
}

/** Colours of the section drawing (page and PNG alike), "#rrggbb". */
export const SECTION_COLORS = {
  air: "#ffffff",
  epidermis: "#e9c6a5",
  dermis: "#f4dcd0",
  subcutis: "#fbf0c9",
  coagulation: "#b04a2f",
  crater: "#222222",
} as const;

/**
 * Coagulation depth along a section: sampled from a coagulation map when there is one, else
 * (ablative lasers) the depth plus the residual layer `offsetUm` where the depth is > 0.
 */
export function coagulationAlong(
  depth: Section,
  coag: MapGrid | undefined,
  offsetUm: number | undefined,
): Float64Array | undefined {
  const n = depth.sMm.length;
  if (coag) {
    const out = new Float64Array(n);
    const last = Math.max(1, n - 1);
    const dx = depth.x1 - depth.x0;
    const dy = depth.y1 - depth.y0;
    for (let k = 0; k < n; k++)
      out[k] = valueAtMm(coag, depth.x0 + (dx * k) / last, depth.y0 + (dy * k) / last);
    return out;
  }
  if (offsetUm === undefined || !(offsetUm > 0)) return undefined;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const v = depth.values[k];
    out[k] = v > 0 ? v + offsetUm : !Number.isNaN(v) ? 0 : Number.NaN;
  }
  return out;
}

/**
 * Reduce samples along a line to `columns` drawing columns: each column takes the largest
 * sample inside it (a crater narrower than a column still shows its bottom); a column holding
 * no sample takes the nearest one. NaN samples (outside the map) are skipped.
 */
export function columnMax(
  sMm: Float64Array,
  values: Float64Array,
  lengthMm: number,
  columns: number,
): Float64Array {
  const out = new Float64Array(columns).fill(Number.NaN);
  const n = sMm.length;
  const k = lengthMm > 0 ? columns / lengthMm : 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    const c = Math.min(columns - 1, Math.max(0, Math.floor(sMm[i] * k)));
    if (!(out[c] >= v)) out[c] = v;
  }
  for (let c = 0; c < columns; c++)
    if (Number.isNaN(out[c])) out[c] = values[Math.min(n - 1, Math.round(((c + 0.5) / columns) * (n - 1)))];
  return out;
}

/** Largest finite value of an array (0 when none). */
export function finiteMax(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  return m;
}
