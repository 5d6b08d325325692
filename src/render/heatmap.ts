/**
 * Depth and coagulation heatmaps: the raster at one picture pixel per raster pixel
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
  type ScaleBar,
  scaleBarFor,
  type TitleBlock,
  titleHeight,
} from "./annotate.js";
import {
  type Canvas,
  createCanvas,
  drawText,
  encodePng,
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
import { type ContourLevel, isoContours } from "./contours.js";
import {
  type DisplayMap,
  type MapPlacement,
  MIN_IMAGE_WIDTH_PX,
  paintMap,
  rasterWindow,
  reduceRaster,
  ringMeets,
  ringSpan,
  shadeOutside,
  toPixels,
} from "./display-map.js";
import {
  DEFAULT_WIDTH_PX,
  MAX_CONTOUR_LEVELS,
  MAX_WIDTH_PX,
  MIN_WIDTH_PX,
  REDUCES,
  type Reduce,
} from "./options.js";

export {
  type DisplayMap,
  type MapPlacement,
  MIN_IMAGE_WIDTH_PX,
  paintMap,
  rasterWindow,
  reduceRaster,
  shadeOutside,
  toPixels,
} from "./display-map.js";
export { DEFAULT_WIDTH_PX, MAX_WIDTH_PX, MIN_WIDTH_PX, REDUCES, type Reduce } from "./options.js";

/** Small rasters are enlarged by a whole factor until their longest side reaches this, px. */
export const MIN_MAP_PX = 480;
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

/** Heatmap options checked and completed with their defaults. */
type ResolvedHeatmapOptions = ReturnType<typeof resolveOptions>;

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
  return {
    colormap,
    widthPx,
    reduce,
    contoursUm,
    label: opts.label ?? "Depth",
    uncertaintyPct: opts.uncertaintyPct,
  };
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
 * Render a depth (or coagulation) raster as a framed heatmap PNG. The picture shows the highest
 * y at the top; one picture pixel per raster pixel up to `widthPx` on the longest side (larger
 * rasters are box-reduced by max or mean to fit; small rasters are enlarged by a whole factor).
 * Same raster and options → same bytes.
 */
export function renderHeatmap(raster: Raster, opts: HeatmapOptions = {}): Buffer {
  return renderHeatmapWithLayout(raster, opts).png;
}

/** {@link renderHeatmap}, also returning where the map, colorbar and contours went. */
export function renderHeatmapWithLayout(
  raster: Raster,
  opts: HeatmapOptions = {},
): { png: Buffer; layout: HeatmapLayout } {
  const data = prepareHeatmap(raster, opts);
  const lay = layoutHeatmap(raster, opts, data);
  const c = createCanvas(lay.imageW, lay.imageH);
  drawTitle(c, lay.title, MARGIN_PX, MARGIN_PX);
  drawMap(c, opts, data, lay);
  const colX = lay.place.x + lay.place.widthPx + COLORBAR_GAP_PX;
  const bar = drawColorbar(c, lay.cbar, colX, lay.place.y, lay.barH);
  const detail = lay.withDetail ? drawDetail(c, raster, opts, data, lay, colX) : undefined;
  drawLegend(c, lay);
  const layout: HeatmapLayout = {
    width: lay.imageW,
    height: lay.imageH,
    map: lay.place,
    upscale: data.upscale,
    factor: data.factor,
    colorbar: bar,
    maxUm: data.maxUm,
    clipped: data.clipped,
    contourColors: lay.palette,
    detail,
  };
  const png = encodePng(c);
  opts.onProgress?.(1);
  return { png, layout };
}

/** The numbers a heatmap shows: the reduced map, its colour scale and the contour rings. */
interface HeatmapData {
  o: ResolvedHeatmapOptions;
  /** Raster pixels per display pixel (≥ 1) and display pixels per raster pixel (≥ 1). */
  factor: number;
  upscale: number;
  map: DisplayMap;
  maxUm: number;
  clipped: boolean;
  lut: Uint8Array;
  contours: ContourLevel[];
}

/** Check the options, reduce the raster and trace the contours (the slow part, with progress). */
function prepareHeatmap(raster: Raster, opts: HeatmapOptions): HeatmapData {
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
  // Progress: reduce = H steps, each contour level ≈ H steps, drawing and encoding ≈ H/2.
  const steps = H + o.contoursUm.length * H + H / 2;
  const map = reduceRaster(raster, factor, o.reduce, progress ? (rows) => progress(rows / steps) : undefined);
  const maxUm = opts.maxUm ?? (map.rasterMax > 0 ? map.rasterMax : 1);
  const clipped = map.rasterMax > maxUm * (1 + 1e-6);
  const lut = colormapLut(o.colormap);
  const contours =
    o.contoursUm.length > 0
      ? isoContours(raster, o.contoursUm, progress ? (k) => progress((H + k * H) / steps) : undefined)
      : [];
  return { o, factor, upscale, map, maxUm, clipped, lut, contours };
}

/** Where everything goes: title, map, colorbar, detail inset, legend, and the picture's size. */
interface HeatmapLayoutPlan {
  title: TitleBlock;
  place: MapPlacement;
  cbar: ColorbarSpec;
  barH: number;
  bodyH: number;
  palette: string[];
  /** Contour levels drawn in the detail only (their rings are too small on the reduced map). */
  detailOnly: boolean[];
  items: LegendItem[];
  legend: ReturnType<typeof layoutLegend>;
  scale: ScaleBar;
  legendY: number;
  shade: boolean;
  closed: boolean;
  withDetail: boolean;
  detailSide: number;
  detailHead: number;
  detailBlockH: number;
  imageW: number;
  imageH: number;
}

/**
 * Lay the picture out: title on top, map on the left; on its right the colorbar and (for a
 * reduced map) a full-resolution detail of the centre; scale bar and legend below.
 */
function layoutHeatmap(raster: Raster, opts: HeatmapOptions, d: HeatmapData): HeatmapLayoutPlan {
  const { o, map, factor, upscale, maxUm, lut, contours } = d;
  const { width: W, height: H } = raster;
  const measure = createCanvas(1, 1);
  const mapW = map.width * upscale;
  const mapH = map.height * upscale;
  const pixMm = raster.pixelUm / 1000;
  const pxPerMm = upscale / (factor * pixMm);
  const detailSide = Math.floor(DETAIL_PX / DETAIL_ZOOM);
  const withDetail = (opts.detail ?? true) && factor > 1 && W >= detailSide && H >= detailSide;
  const detailHead = colorbarHeadPx() - 16;
  const detailBlockH = withDetail ? detailHead + DETAIL_PX + LEGEND_ROW_PX + 6 : 0;
  const cbar: ColorbarSpec = { lut, max: maxUm, label: `${o.label}, µm`, unit: "µm", clipped: d.clipped };
  const columnW = Math.max(colorbarWidth(measure, cbar), withDetail ? DETAIL_PX : 0);
  const imageW = Math.max(MIN_IMAGE_WIDTH_PX, mapW + COLORBAR_GAP_PX + columnW + 2 * MARGIN_PX);
  const textW = imageW - 2 * MARGIN_PX;
  const title = layoutTitle(measure, opts.title ?? `${o.label} map`, subtitle(raster, d), textW);
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
  const items = contourLegendItems(d, palette, detailOnly);
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
  return {
    title,
    place,
    cbar,
    barH,
    bodyH,
    palette,
    detailOnly,
    items,
    legend,
    scale,
    legendY,
    shade,
    closed,
    withDetail,
    detailSide,
    detailHead,
    detailBlockH,
    imageW,
    imageH,
  };
}

/** The subtitle: what the map is, its size and pixel, how it was reduced, its maximum. */
function subtitle(raster: Raster, d: HeatmapData): string {
  const { o, factor, upscale } = d;
  const pixMm = raster.pixelUm / 1000;
  const what =
    o.label === "Depth" ? "Ablation depth" : "Coagulation depth (to the bottom of the thermal zone)";
  const shown =
    factor > 1
      ? ` · each screen pixel = ${formatValue(factor)} × ${formatValue(factor)} pixels (${o.reduce})`
      : upscale > 1
        ? ` · enlarged ${upscale}×`
        : "";
  return (
    `${what} · ${formatValue(raster.width * pixMm)} × ${formatValue(raster.height * pixMm)} mm at ${formatValue(raster.pixelUm)} µm/pixel${shown}` +
    ` · max ${formatValue(d.map.rasterMax)} µm` +
    (d.o.uncertaintyPct !== undefined ? ` · model ±${formatValue(d.o.uncertaintyPct)} %` : "")
  );
}

/** One legend line per contour level, its sample drawn over the colour it crosses on the map. */
function contourLegendItems(d: HeatmapData, palette: string[], detailOnly: boolean[]): LegendItem[] {
  const { contours, lut, maxUm } = d;
  const items: LegendItem[] = [];
  for (let k = 0; k < contours.length; k++) {
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
  return items;
}

/** The map itself: colours, the grey outside the area, contour rings and the area outline. */
function drawMap(c: Canvas, opts: HeatmapOptions, d: HeatmapData, lay: HeatmapLayoutPlan): void {
  const { place } = lay;
  paintMap(c, d.map, d.lut, d.maxUm, place.x, place.y, d.upscale);
  if (lay.shade) shadeOutside(c, place, opts.outline ?? [], OUTSIDE_COLOR);
  c.clip = { x0: place.x, y0: place.y, x1: place.x + place.widthPx, y1: place.y + place.heightPx };
  for (let k = 0; k < d.contours.length; k++) {
    const color = rgb(lay.palette[k]);
    if (lay.detailOnly[k]) continue;
    for (const ring of d.contours[k].rings)
      strokePolyline(c, toPixels(place, ring), true, color, CONTOUR_WIDTH_PX);
  }
  if (opts.outline)
    for (const line of opts.outline)
      strokePolyline(c, toPixels(place, line), lay.closed, OUTLINE_COLOR, OUTLINE_WIDTH_PX);
  c.clip = undefined;
}

/**
 * The detail inset below the colorbar: the centre of the raster at full resolution with every
 * contour level and the outline, a scale bar, and a frame marking where it is on the map.
 */
function drawDetail(
  c: Canvas,
  raster: Raster,
  opts: HeatmapOptions,
  d: HeatmapData,
  lay: HeatmapLayoutPlan,
  colX: number,
): MapPlacement {
  const { width: W, height: H } = raster;
  const { place, detailSide } = lay;
  const pixMm = raster.pixelUm / 1000;
  const detailMm = detailSide * pixMm;
  const i0 = Math.floor((W - detailSide) / 2);
  const j0 = Math.floor((H - detailSide) / 2);
  const dy = place.y + lay.bodyH - lay.detailBlockH;
  drawText(c, `Detail ${formatValue(detailMm)} × ${formatValue(detailMm)} mm, full resolution`, colX, dy, {
    sizePx: LABEL_PX,
    bold: true,
    baseline: "top",
  });
  const detail: MapPlacement = {
    x: colX,
    y: dy + lay.detailHead,
    widthPx: DETAIL_PX,
    heightPx: DETAIL_PX,
    pxPerMm: DETAIL_ZOOM / pixMm,
    leftMm: raster.originMm[0] + i0 * pixMm,
    topMm: raster.originMm[1] + (j0 + detailSide) * pixMm,
  };
  paintMap(
    c,
    rasterWindow(raster, i0, j0, detailSide, detailSide),
    d.lut,
    d.maxUm,
    detail.x,
    detail.y,
    DETAIL_ZOOM,
  );
  c.clip = { x0: detail.x, y0: detail.y, x1: detail.x + DETAIL_PX, y1: detail.y + DETAIL_PX };
  const x0 = detail.leftMm;
  const y1 = detail.topMm;
  for (let k = 0; k < d.contours.length; k++) {
    const color = rgb(lay.palette[k]);
    for (const ring of d.contours[k].rings)
      if (ringMeets(ring, x0, y1 - detailMm, x0 + detailMm, y1))
        strokePolyline(c, toPixels(detail, ring), true, color, CONTOUR_WIDTH_PX + 0.5);
  }
  if (opts.outline)
    for (const line of opts.outline) strokePolyline(c, toPixels(detail, line), lay.closed, OUTLINE_COLOR, 2);
  c.clip = undefined;
  strokeRect(c, detail.x - 1, detail.y - 1, DETAIL_PX + 2, DETAIL_PX + 2, INK_MUTED);
  drawScaleBar(
    c,
    scaleBarFor(DETAIL_ZOOM / pixMm, DETAIL_PX),
    detail.x,
    detail.y + DETAIL_PX + 6 + LEGEND_ROW_PX / 2,
  );
  // Where the detail is on the map.
  const { factor, upscale } = d;
  const mx = Math.round(place.x + (i0 / factor) * upscale);
  const my = Math.round(place.y + ((H - j0 - detailSide) / factor) * upscale);
  const ms = Math.max(3, Math.round((detailSide / factor) * upscale));
  strokeRect(c, mx - 1, my - 1, ms + 2, ms + 2, INK);
  strokeRect(c, mx, my, ms, ms, DETAIL_MARK);
  return detail;
}

/** The map's frame, then the scale bar and legend rows under it. */
function drawLegend(c: Canvas, lay: HeatmapLayoutPlan): void {
  const { place } = lay;
  strokeRect(c, place.x - 1, place.y - 1, place.widthPx + 2, place.heightPx + 2, INK_MUTED);
  const rowMid = (row: number) => lay.legendY + row * LEGEND_ROW_PX + LEGEND_ROW_PX / 2;
  drawScaleBar(c, lay.scale, MARGIN_PX, rowMid(0));
  for (let k = 0; k < lay.items.length; k++) {
    const pos = lay.legend.positions[k];
    drawLegendItem(c, lay.items[k], MARGIN_PX + pos.dx, rowMid(pos.row));
  }
}
