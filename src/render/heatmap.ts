/**
 * Depth and coagulation heatmaps (SPEC §5): the raster at one picture pixel per raster pixel
 * (block-reduced to fit `widthPx`, taking the max so single microbeams stay visible), coloured
 * through a 256-entry LUT, framed with a title, a colorbar in µm, a scale bar in mm, the area
 * outline, optional iso-depth contours and a legend. Returns PNG bytes.
 */
import type { Raster } from "../dose/raster.js";
import { PlanError } from "../errors.js";
import {
  COLORBAR_GAP_PX,
  type ColorbarSpec,
  colorbarHeadPx,
  colorbarWidth,
  drawColorbar,
  drawLegendItem,
  drawScaleBar,
  drawTitle,
  formatValue,
  LABEL_PX,
  LEGEND_ROW_PX,
  type LegendItem,
  layoutLegend,
  layoutTitle,
  MARGIN_PX,
  scaleBarFor,
  titleHeight,
} from "./annotate.js";
import {
  type Canvas,
  createCanvas,
  drawText,
  encodePng,
  fillRect,
  INK,
  INK_MUTED,
  type Rgb,
  rgb,
  strokePolyline,
  strokeRect,
} from "./canvas.js";
import {
  type ColormapName,
  checkColormap,
  colormapLut,
  contrastColors,
  DEFAULT_COLORMAP,
  LUT_SIZE,
} from "./colormap.js";
import { isoContours } from "./contours.js";
import {
  DEFAULT_WIDTH_PX,
  MAX_CONTOUR_LEVELS,
  MAX_WIDTH_PX,
  MIN_WIDTH_PX,
  REDUCES,
  type Reduce,
} from "./options.js";

export { DEFAULT_WIDTH_PX, MAX_WIDTH_PX, MIN_WIDTH_PX, REDUCES, type Reduce } from "./options.js";

/** Small rasters are enlarged by a whole factor until their longest side reaches this, px. */
export const MIN_MAP_PX = 480;
/** Narrowest picture, px (room for the title and legend). */
export const MIN_IMAGE_WIDTH_PX = 640;
/** Which map a heatmap shows (colorbar title and subtitle). */
export type MapLabel = "Depth" | "Coagulation";

/** Detail inset: side in px, display px per raster px (shown when the map is reduced). */
export const DETAIL_PX = 320;
export const DETAIL_ZOOM = 2;
const DETAIL_GAP_PX = 26;
/** Contour rings narrower than this on the (reduced) map are drawn only in the detail, px. */
const MIN_RING_PX = 12;
const DETAIL_MARK: Rgb = [255, 255, 255];

/** Pixels outside the treatment area (closed outlines only) are painted this neutral grey. */
const OUTSIDE_COLOR: Rgb = [226, 226, 226];

/** Colours of the area outline and the map frame. */
const OUTLINE_COLOR: Rgb = [40, 40, 40];
const OUTLINE_WIDTH_PX = 1.5;
const CONTOUR_WIDTH_PX = 1.5;

/** Options of {@link renderHeatmap}. */
export interface HeatmapOptions {
  /** Colormap (default viridis). */
  colormap?: ColormapName;
  /** Top of the colour scale, µm (default: the map's max); deeper values are clipped and marked. */
  maxUm?: number;
  /** Iso-depth contour levels, µm (at most 4). */
  contoursUm?: readonly number[];
  /** Title line (plan name, laser, spot, energy, density, order), built by the caller. */
  title?: string;
  /** Longest side of the map, px (default 1200). */
  widthPx?: number;
  /** How a block of raster pixels becomes one picture pixel (default max). */
  reduce?: Reduce;
  /** Area outline polylines `[x0, y0, x1, y1, ...]` in mm (Area.outline()). */
  outline?: readonly Float64Array[];
  /** Whether the outline polylines are closed rings (Area.outlineClosed; default true). */
  outlineClosed?: boolean;
  /** Which map this is (default "Depth"). */
  label?: MapLabel;
  /** Show a full-resolution detail of the centre when the map is reduced (default true). */
  detail?: boolean;
  /** Called with the fraction done (0..1) as the work proceeds (for a progress bar). */
  onProgress?: (fraction: number) => void;
  /** The laser model's relative uncertainty, %: the subtitle says "model ±N %". */
  uncertaintyPct?: number;
}

/** A raster reduced for display: row 0 is the TOP (highest y). */
export interface DisplayMap {
  values: Float32Array;
  width: number;
  height: number;
  /** Raster pixels per display pixel along each axis (≥ 1, not necessarily whole). */
  factor: number;
  /** Largest raster value (NaN counted as 0). */
  rasterMax: number;
}

/**
 * Box-reduce a raster by `factor` (≥ 1, need not be whole): display column c takes the raster
 * columns whose index i has ⌊i / factor⌋ = c (likewise rows, counted from the top = highest y),
 * reduced by max or mean, and the result is flipped so row 0 is the highest y. Cells at the
 * far edge may hold fewer pixels; the mean divides by what each holds.
 */
export function reduceRaster(
  raster: Raster,
  factor: number,
  reduce: Reduce,
  onRow?: (rowsDone: number) => void,
): DisplayMap {
  const { width: W, height: H, data } = raster;
  const f = Math.max(1, factor);
  // 1e-9: a factor of exactly W / n must give n cells, not n + 1.
  const w = Math.max(1, Math.ceil(W / f - 1e-9));
  const h = Math.max(1, Math.ceil(H / f - 1e-9));
  const colOf = new Int32Array(W);
  const colCount = new Float64Array(w);
  for (let i = 0; i < W; i++) {
    const c = Math.min(w - 1, Math.floor(i / f));
    colOf[i] = c;
    colCount[c]++;
  }
  const rowCount = new Float64Array(h);
  const out = new Float32Array(w * h);
  const isMax = reduce === "max";
  let rasterMax = 0;
  for (let r = 0; r < H; r++) {
    // Raster row r (y up) is row H − 1 − r from the top.
    const dRow = Math.min(h - 1, Math.floor((H - 1 - r) / f));
    rowCount[dRow]++;
    const o = dRow * w;
    const base = r * W;
    for (let i = 0; i < W; i++) {
      let v = data[base + i];
      if (!(v > 0)) v = 0; // NaN and negatives draw as untouched tissue
      if (v > rasterMax) rasterMax = v;
      const k = o + colOf[i];
      if (isMax) {
        if (v > out[k]) out[k] = v;
      } else out[k] += v;
    }
    if (onRow && (r & 255) === 255) onRow(r + 1);
  }
  if (!isMax && f > 1) {
    for (let dr = 0; dr < h; dr++)
      for (let dc = 0; dc < w; dc++) out[dr * w + dc] /= rowCount[dr] * colCount[dc];
  }
  return { values: out, width: w, height: h, factor: f, rasterMax };
}

/**
 * Paint a display map into the canvas at (x0, y0), each value a `scale × scale` block, through
 * `lut` with 0 → entry 0 and `maxValue` (and above) → entry 255.
 */
export function paintMap(
  c: Canvas,
  map: DisplayMap,
  lut: Uint8Array,
  maxValue: number,
  x0: number,
  y0: number,
  scale: number,
): void {
  const { values, width: w, height: h } = map;
  const d = c.data;
  const cw = c.width;
  const k = (LUT_SIZE - 1) / maxValue;
  for (let r = 0; r < h; r++) {
    for (let s = 0; s < scale; s++) {
      let p = ((y0 + r * scale + s) * cw + x0) * 4;
      const src = r * w;
      for (let col = 0; col < w; col++) {
        const v = values[src + col] * k;
        // Round to the nearest entry; clip above the top (marked on the colorbar).
        const idx = (v >= LUT_SIZE - 1 ? LUT_SIZE - 1 : v > 0 ? (v + 0.5) | 0 : 0) << 2;
        const cr = lut[idx];
        const cg = lut[idx + 1];
        const cb = lut[idx + 2];
        for (let t = 0; t < scale; t++, p += 4) {
          d[p] = cr;
          d[p + 1] = cg;
          d[p + 2] = cb;
          d[p + 3] = 255;
        }
      }
    }
  }
}

/** Where the map sits in the picture and how mm map to picture pixels. */
export interface MapPlacement {
  x: number;
  y: number;
  widthPx: number;
  heightPx: number;
  pxPerMm: number;
  /** Raster's left edge and top edge (highest y), mm. */
  leftMm: number;
  topMm: number;
}

/** Convert a flat mm polyline to picture pixels for a placement. */
export function toPixels(p: MapPlacement, ptsMm: ArrayLike<number>): Float64Array {
  const out = new Float64Array(ptsMm.length);
  for (let k = 0; k < ptsMm.length; k += 2) {
    out[k] = p.x + (ptsMm[k] - p.leftMm) * p.pxPerMm;
    out[k + 1] = p.y + (p.topMm - ptsMm[k + 1]) * p.pxPerMm;
  }
  return out;
}

/** Check and complete heatmap options (PlanError naming the option on bad values). */
function resolveOptions(opts: HeatmapOptions) {
  const colormap = checkColormap(opts.colormap ?? DEFAULT_COLORMAP, "colormap");
  const widthPx = opts.widthPx ?? DEFAULT_WIDTH_PX;
  if (!Number.isInteger(widthPx) || widthPx < MIN_WIDTH_PX || widthPx > MAX_WIDTH_PX)
    throw new PlanError(
      "widthPx",
      widthPx,
      `allowed: a whole number of px, ${MIN_WIDTH_PX}..${MAX_WIDTH_PX}`,
    );
  const reduce = opts.reduce ?? "max";
  if (!REDUCES.includes(reduce)) throw new PlanError("reduce", reduce, "allowed: one of max | mean");
  if (opts.maxUm !== undefined && !(Number.isFinite(opts.maxUm) && opts.maxUm > 0))
    throw new PlanError("maxUm", opts.maxUm, "allowed: a depth in µm > 0");
  const contoursUm = opts.contoursUm ?? [];
  if (contoursUm.length > MAX_CONTOUR_LEVELS || contoursUm.some((v) => !(Number.isFinite(v) && v > 0)))
    throw new PlanError("contoursUm", contoursUm, `allowed: up to ${MAX_CONTOUR_LEVELS} depths in µm > 0`);
  return { colormap, widthPx, reduce, contoursUm, label: opts.label ?? "Depth" };
}

/** Where things went in a rendered heatmap (for tests and callers that annotate further). */
export interface HeatmapLayout {
  width: number;
  height: number;
  map: MapPlacement;
  /** Display pixels per raster pixel (> 1 when enlarged) and raster pixels per display pixel. */
  upscale: number;
  factor: number;
  /** The colour bar's pixel rectangle (top = `maxUm`). */
  colorbar: { x: number; y: number; w: number; h: number };
  /** Top of the colour scale, µm, and whether deeper values were clipped. */
  maxUm: number;
  clipped: boolean;
  /** Colour of each contour level, "#rrggbb". */
  contourColors: string[];
  /** The detail inset (full resolution × DETAIL_ZOOM), when drawn. */
  detail?: MapPlacement;
}

/**
 * Paint the pixels of a placed map whose centres lie outside the closed rings `ringsMm`
 * (even-odd rule, as Area.contains) with `color`; returns how many (with `c` null: only counts).
 */
export function shadeOutside(
  c: Canvas | null,
  p: MapPlacement,
  ringsMm: readonly Float64Array[],
  color: Rgb,
): number {
  const xs: number[] = [];
  let painted = 0;
  for (let r = 0; r < p.heightPx; r++) {
    const yMm = p.topMm - (r + 0.5) / p.pxPerMm;
    xs.length = 0;
    for (const ring of ringsMm) {
      const n = ring.length >> 1;
      for (let k = 0, m = n - 1; k < n; m = k++) {
        const y0 = ring[2 * m + 1];
        const y1 = ring[2 * k + 1];
        // Half-open in y so a vertex on the scan line counts once.
        if (y0 <= yMm !== y1 <= yMm) {
          const x0 = ring[2 * m];
          const x1 = ring[2 * k];
          xs.push(x0 + ((yMm - y0) / (y1 - y0)) * (x1 - x0));
        }
      }
    }
    xs.sort((a, b) => a - b);
    // Walk the row: outside before the first crossing, between odd/even pairs, after the last.
    let k = 0;
    let inside = false;
    for (let col = 0; col < p.widthPx; col++) {
      const xMm = p.leftMm + (col + 0.5) / p.pxPerMm;
      while (k < xs.length && xs[k] <= xMm) {
        inside = !inside;
        k++;
      }
      if (!inside) {
        if (c) fillRect(c, p.x + col, p.y + r, 1, 1, color);
        painted++;
      }
    }
  }
  return painted;
}

/** A window of the raster at full resolution: raster columns i0.., rows j0.. (row 0 = lowest y). */
export function rasterWindow(raster: Raster, i0: number, j0: number, w: number, h: number): DisplayMap {
  const values = new Float32Array(w * h);
  for (let r = 0; r < h; r++) {
    const src = (j0 + h - 1 - r) * raster.width + i0;
    for (let i = 0; i < w; i++) {
      const v = raster.data[src + i];
      values[r * w + i] = Math.max(v, 0);
    }
  }
  return { values, width: w, height: h, factor: 1, rasterMax: 0 };
}

/** Bounding box [minX, minY, maxX, maxY] of a flat polyline. */
function ringBox(pts: Float64Array): [number, number, number, number] {
  let x0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < pts.length; k += 2) {
    x0 = Math.min(x0, pts[k]);
    x1 = Math.max(x1, pts[k]);
    y0 = Math.min(y0, pts[k + 1]);
    y1 = Math.max(y1, pts[k + 1]);
  }
  return [x0, y0, x1, y1];
}

/** Bounding-box size of a flat polyline, in the larger of its two directions (same units). */
function ringSpan(pts: Float64Array): number {
  const [x0, y0, x1, y1] = ringBox(pts);
  return Math.max(x1 - x0, y1 - y0);
}

/** Does a flat mm polyline's box meet the box [x0, x1] × [y0, y1]? */
function ringMeets(pts: Float64Array, x0: number, y0: number, x1: number, y1: number): boolean {
  const [a, c, b, d] = ringBox(pts);
  return b >= x0 && a <= x1 && d >= y0 && c <= y1;
}

/**
 * Render a depth (or coagulation) raster as a framed heatmap PNG (SPEC §5). The picture shows
 * the highest y at the top; one picture pixel per raster pixel up to `widthPx` on the longest
 * side (larger rasters are box-reduced by max or mean to fit; small rasters are enlarged by a
 * whole factor). Same raster and options → same bytes.
 */
export function renderHeatmap(raster: Raster, opts: HeatmapOptions = {}): Buffer {
  return renderHeatmapWithLayout(raster, opts).png;
}

/** {@link renderHeatmap}, also returning where the map, colorbar and contours went. */
export function renderHeatmapWithLayout(
  raster: Raster,
  opts: HeatmapOptions = {},
): { png: Buffer; layout: HeatmapLayout } {
  const o = resolveOptions(opts);
  const progress = opts.onProgress;
  const { width: W, height: H } = raster;
  const longest = Math.max(W, H);
  // Raster pixels per display pixel: the longest side fills `widthPx` exactly when reduced.
  const factor = Math.max(1, longest / o.widthPx);
  const upscale =
    factor === 1
      ? Math.max(1, Math.min(Math.floor(MIN_MAP_PX / longest), Math.floor(o.widthPx / longest)))
      : 1;
  const steps = H + o.contoursUm.length * H + H / 2;
  const map = reduceRaster(raster, factor, o.reduce, progress ? (rows) => progress(rows / steps) : undefined);
  const maxUm = opts.maxUm ?? (map.rasterMax > 0 ? map.rasterMax : 1);
  const clipped = map.rasterMax > maxUm * (1 + 1e-6);
  const lut = colormapLut(o.colormap);
  // Progress: reduce = H steps, each contour level ≈ H steps, drawing and encoding ≈ H/2.
  const contours =
    o.contoursUm.length > 0
      ? isoContours(raster, o.contoursUm, progress ? (k) => progress((H + k * H) / steps) : undefined)
      : [];

  // Layout: title on top, map on the left; on its right the colorbar and (for a reduced map)
  // a full-resolution detail of the centre; scale bar + legend below.
  const measure = createCanvas(1, 1);
  const mapW = map.width * upscale;
  const mapH = map.height * upscale;
  const pixMm = raster.pixelUm / 1000;
  const pxPerMm = upscale / (factor * pixMm);
  const detailSide = Math.floor(DETAIL_PX / DETAIL_ZOOM);
  const withDetail = (opts.detail ?? true) && factor > 1 && W >= detailSide && H >= detailSide;
  const detailMm = detailSide * pixMm;
  const detailScale = scaleBarFor(DETAIL_ZOOM / pixMm, DETAIL_PX);
  const detailHead = colorbarHeadPx() - 16;
  const detailBlockH = withDetail ? detailHead + DETAIL_PX + LEGEND_ROW_PX + 6 : 0;
  const what =
    o.label === "Depth" ? "Ablation depth" : "Coagulation depth (to the bottom of the thermal zone)";
  const cbar: ColorbarSpec = { lut, max: maxUm, label: `${o.label}, µm`, unit: "µm", clipped };
  const columnW = Math.max(colorbarWidth(measure, cbar), withDetail ? DETAIL_PX : 0);
  const imageW = Math.max(MIN_IMAGE_WIDTH_PX, mapW + COLORBAR_GAP_PX + columnW + 2 * MARGIN_PX);
  const textW = imageW - 2 * MARGIN_PX;
  const shown =
    factor > 1
      ? ` · each screen pixel = ${formatValue(factor)} × ${formatValue(factor)} pixels (${o.reduce})`
      : upscale > 1
        ? ` · enlarged ${upscale}×`
        : "";
  const subtitle =
    `${what} · ${formatValue(W * pixMm)} × ${formatValue(H * pixMm)} mm at ${formatValue(raster.pixelUm)} µm/pixel${shown}` +
    ` · max ${formatValue(map.rasterMax)} µm` +
    (opts.uncertaintyPct !== undefined ? ` · model ±${formatValue(opts.uncertaintyPct)} %` : "");
  const title = layoutTitle(measure, opts.title ?? `${o.label} map`, subtitle, textW);
  const minBarH = 120;
  const bodyH = Math.max(mapH, colorbarHeadPx() + minBarH + (withDetail ? DETAIL_GAP_PX + detailBlockH : 0));
  const barH = bodyH - colorbarHeadPx() - (withDetail ? DETAIL_GAP_PX + detailBlockH : 0);
  const scale = scaleBarFor(pxPerMm, mapW);
  const palette = contrastColors(
    o.colormap,
    contours.map((l) => l.depthUm / maxUm),
  );
  // A level whose typical ring is too small to read on the reduced map would only hide the
  // craters: it is drawn in the detail only (all or none of a level, so the map stays honest).
  const ringMinMm = MIN_RING_PX / pxPerMm;
  const detailOnly = contours.map((l) => {
    if (!withDetail || l.rings.length === 0) return false;
    const spans = l.rings.map(ringSpan).sort((a, b) => a - b);
    return spans[spans.length >> 1] < ringMinMm;
  });
  const items: LegendItem[] = [];
  for (let k = 0; k < contours.length; k++) {
    // The sample shows the line over the colour it crosses on the map.
    const e = Math.min(LUT_SIZE - 1, Math.round((contours[k].depthUm / maxUm) * (LUT_SIZE - 1))) * 4;
    const under: Rgb = [lut[e], lut[e + 1], lut[e + 2]];
    const hidden = detailOnly[k];
    items.push({
      label: `${formatValue(contours[k].depthUm)} µm${
        contours[k].rings.length === 0 ? " (not reached)" : hidden ? " (small rings: detail only)" : ""
      }`,
      color: rgb(palette[k]),
      kind: "line",
      background: under,
    });
  }
  if (opts.outline && opts.outline.length > 0)
    items.push({ label: "area outline", color: OUTLINE_COLOR, kind: "line", background: OUTSIDE_COLOR });
  const mapY = MARGIN_PX + titleHeight(title);
  const place: MapPlacement = {
    x: MARGIN_PX,
    y: mapY,
    widthPx: mapW,
    heightPx: mapH,
    pxPerMm,
    leftMm: raster.originMm[0],
    topMm: raster.originMm[1] + H * pixMm,
  };
  const closed = opts.outlineClosed ?? true;
  const shade =
    closed &&
    opts.outline !== undefined &&
    opts.outline.length > 0 &&
    shadeOutside(null, place, opts.outline, OUTSIDE_COLOR) > 0;
  if (shade) items.push({ label: "outside the area", color: OUTSIDE_COLOR, kind: "swatch" });
  const legend = layoutLegend(measure, scale, items, textW);
  const legendY = mapY + bodyH + 16;
  const imageH = legendY + legend.heightPx + MARGIN_PX - 6;

  const c = createCanvas(imageW, imageH);
  drawTitle(c, title, MARGIN_PX, MARGIN_PX);
  paintMap(c, map, lut, maxUm, place.x, place.y, upscale);
  if (shade) shadeOutside(c, place, opts.outline ?? [], OUTSIDE_COLOR);
  c.clip = { x0: place.x, y0: place.y, x1: place.x + mapW, y1: place.y + mapH };
  for (let k = 0; k < contours.length; k++) {
    const color = rgb(palette[k]);
    if (detailOnly[k]) continue;
    for (const ring of contours[k].rings)
      strokePolyline(c, toPixels(place, ring), true, color, CONTOUR_WIDTH_PX);
  }
  if (opts.outline)
    for (const line of opts.outline)
      strokePolyline(c, toPixels(place, line), closed, OUTLINE_COLOR, OUTLINE_WIDTH_PX);
  c.clip = undefined;

  const colX = place.x + mapW + COLORBAR_GAP_PX;
  const bar = drawColorbar(c, cbar, colX, mapY, barH);
  let detail: MapPlacement | undefined;
  if (withDetail) {
    // The centre of the raster at full resolution, marked on the map.
    const i0 = Math.floor((W - detailSide) / 2);
    const j0 = Math.floor((H - detailSide) / 2);
    const dy = mapY + bodyH - detailBlockH;
    drawText(c, `Detail ${formatValue(detailMm)} × ${formatValue(detailMm)} mm, full resolution`, colX, dy, {
      sizePx: LABEL_PX,
      bold: true,
      baseline: "top",
    });
    detail = {
      x: colX,
      y: dy + detailHead,
      widthPx: DETAIL_PX,
      heightPx: DETAIL_PX,
      pxPerMm: DETAIL_ZOOM / pixMm,
      leftMm: raster.originMm[0] + i0 * pixMm,
      topMm: raster.originMm[1] + (j0 + detailSide) * pixMm,
    };
    paintMap(
      c,
      rasterWindow(raster, i0, j0, detailSide, detailSide),
      lut,
      maxUm,
      detail.x,
      detail.y,
      DETAIL_ZOOM,
    );
    c.clip = { x0: detail.x, y0: detail.y, x1: detail.x + DETAIL_PX, y1: detail.y + DETAIL_PX };
    const x0 = detail.leftMm;
    const y1 = detail.topMm;
    for (let k = 0; k < contours.length; k++) {
      const color = rgb(palette[k]);
      for (const ring of contours[k].rings)
        if (ringMeets(ring, x0, y1 - detailMm, x0 + detailMm, y1))
          strokePolyline(c, toPixels(detail, ring), true, color, CONTOUR_WIDTH_PX + 0.5);
    }
    if (opts.outline)
      for (const line of opts.outline) strokePolyline(c, toPixels(detail, line), closed, OUTLINE_COLOR, 2);
    c.clip = undefined;
    strokeRect(c, detail.x - 1, detail.y - 1, DETAIL_PX + 2, DETAIL_PX + 2, INK_MUTED);
    drawScaleBar(c, detailScale, detail.x, detail.y + DETAIL_PX + 6 + LEGEND_ROW_PX / 2);
    // Where the detail is on the map.
    const mx = Math.round(place.x + (i0 / factor) * upscale);
    const my = Math.round(place.y + ((H - j0 - detailSide) / factor) * upscale);
    const ms = Math.max(3, Math.round((detailSide / factor) * upscale));
    strokeRect(c, mx - 1, my - 1, ms + 2, ms + 2, INK);
    strokeRect(c, mx, my, ms, ms, DETAIL_MARK);
  }
  strokeRect(c, place.x - 1, place.y - 1, mapW + 2, mapH + 2, INK_MUTED);
  const rowMid = (row: number) => legendY + row * LEGEND_ROW_PX + LEGEND_ROW_PX / 2;
  drawScaleBar(c, scale, MARGIN_PX, rowMid(0));
  for (let k = 0; k < items.length; k++) {
    const pos = legend.positions[k];
    drawLegendItem(c, items[k], MARGIN_PX + pos.dx, rowMid(pos.row));
  }
  const layout: HeatmapLayout = {
    width: imageW,
    height: imageH,
    map: place,
    upscale,
    factor,
    colorbar: bar,
    maxUm,
    clipped,
    contourColors: palette,
    detail,
  };
  const png = encodePng(c);
  progress?.(1);
  return { png, layout };
}
