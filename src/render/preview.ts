/**
 * Scan preview (`laserscan scan --preview f.png`): every spot as a disc of its true
 * size coloured by its first-pulse time, so the firing order reads at a glance; the stamp
 * fields, the path of the first jumps, a title, a colorbar in ms and a scale bar.
 */
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
  fillDisc,
  fillRect,
  INK_MUTED,
  type Rgb,
  strokePolyline,
  strokeRect,
} from "./canvas.js";
import { type ColormapName, checkColormap, colormapLut, LUT_SIZE } from "./colormap.js";
import { DEFAULT_PREVIEW_JUMPS, DEFAULT_WIDTH_PX, MAX_WIDTH_PX, MIN_WIDTH_PX } from "./options.js";

export { DEFAULT_PREVIEW_JUMPS } from "./options.js";

import { type MapPlacement, MIN_IMAGE_WIDTH_PX, toPixels } from "./display-map.js";

/** Default colormap of the firing time: many distinct hues make the order easy to follow. */
export const DEFAULT_PREVIEW_COLORMAP: ColormapName = "turbo";
/** Stamps are numbered when there are at most this many. */
const MAX_LABELLED_STAMPS = 64;
const MAP_BACKGROUND: Rgb = [246, 246, 246];
const STAMP_COLOR: Rgb = [120, 120, 120];
const PATH_COLOR: Rgb = [20, 20, 20];
const OUTLINE_COLOR: Rgb = [60, 60, 60];
const PATH_WIDTH_PX = 1;
/** The path is drawn see-through so the discs under it keep their colour. */
const PATH_OPACITY = 0.6;

/** What a preview draws: a scan's per-spot arrays in firing order and its stamps. */
export interface PreviewScan {
  xMm: ArrayLike<number>;
  yMm: ArrayLike<number>;
  /** First-pulse time, ms. */
  tMs: ArrayLike<number>;
  /** Stamp index per spot (for the path's moves between stamps). */
  stamp?: ArrayLike<number>;
  stamps: readonly { centreMm: readonly [number, number]; originMm: readonly [number, number] }[];
  /** 0-based pass per spot and the per-pass list (multi-pass scans: discs get a pass-coloured rim). */
  pass?: ArrayLike<number>;
  passes?: readonly unknown[];
  /** Aiming-beam path per stamp (absolute x, y pairs, mm), drawn in the pilot beam's red. */
  aimPath?: readonly Float64Array[];
}

/** Rim colours of passes 0, 1, 2, ... (Okabe–Ito, told apart also with colour-vision deficiency). */
const PASS_COLORS: Rgb[] = [
  [0, 0, 0],
  [230, 159, 0],
  [86, 180, 233],
  [0, 158, 115],
  [213, 94, 0],
  [0, 114, 178],
  [204, 121, 167],
  [240, 228, 66],
];
const AIM_COLOR: Rgb = [220, 20, 20];
/** Passes named one by one in the legend up to this many. */
const MAX_LEGEND_PASSES = 8;

/** Number of passes a preview shows (1 when the scan has no pass column). */
function passCountOf(scan: PreviewScan): number {
  return scan.pass !== undefined && scan.passes !== undefined ? scan.passes.length : 1;
}

/** Options of {@link renderPreview}. */
export interface PreviewOptions {
  /** Spot diameter (1/e²), µm: discs are drawn at this size. */
  spotUm: number;
  /** Scanner field, mm (the stamp rectangles). */
  fieldMm: readonly [number, number];
  /** Treatment area's bounding box, mm. */
  boundsMm: { minX: number; minY: number; maxX: number; maxY: number };
  /** Area outline polylines (mm) and whether they are closed. */
  outline?: readonly Float64Array[];
  outlineClosed?: boolean;
  title?: string;
  /** Longest side of the map, px (default 1200). */
  widthPx?: number;
  /** Jumps of the firing path drawn (default 200; 0 = none). */
  jumps?: number;
  colormap?: ColormapName;
  /**
   * Colour the discs by these per-spot values (firing order) instead of the firing time, with
   * this colorbar title and unit and this sentence in the subtitle (e.g. `scan --heat-map`).
   */
  colorBy?: { values: ArrayLike<number>; label: string; unit: string; caption: string };
}

/**
 * Render a scan preview PNG (same inputs → same bytes). The map covers the area's bounding box
 * and every stamp field, highest y at the top.
 */
export function renderPreview(scan: PreviewScan, opts: PreviewOptions): Buffer {
  return renderPreviewWithLayout(scan, opts).png;
}

/** {@link renderPreview}, also returning where the map went (mm → px). */
export function renderPreviewWithLayout(
  scan: PreviewScan,
  opts: PreviewOptions,
): { png: Buffer; layout: { width: number; height: number; map: MapPlacement } } {
  const n = scan.xMm.length;
  const { widthPx, jumps, lut } = checkPreviewOptions(opts);
  const { minX, minY, maxX, maxY } = previewExtent(scan, opts);
  const spanMm = Math.max(maxX - minX, maxY - minY, 1e-6);
  const pxPerMm = widthPx / spanMm;
  const mapW = Math.max(1, Math.round((maxX - minX) * pxPerMm));
  const mapH = Math.max(1, Math.round((maxY - minY) * pxPerMm));
  let tMax = 0;
  for (let k = 0; k < n; k++) tMax = Math.max(tMax, scan.tMs[k]);
  const shade = opts.colorBy?.values ?? scan.tMs;
  let vMax = 0;
  for (let k = 0; k < n; k++) vMax = Math.max(vMax, shade[k]);
  const tTop = vMax > 0 ? vMax : 1;

  const measure = createCanvas(1, 1);
  const cbar: ColorbarSpec = opts.colorBy
    ? { lut, max: tTop, label: opts.colorBy.label, unit: opts.colorBy.unit, clipped: false }
    : { lut, max: tTop, label: "First pulse, ms", unit: "ms", clipped: false };
  const panelW = COLORBAR_GAP_PX + colorbarWidth(measure, cbar);
  const imageW = Math.max(MIN_IMAGE_WIDTH_PX, mapW + panelW + 2 * MARGIN_PX);
  const textW = imageW - 2 * MARGIN_PX;
  const shownJumps = Math.min(jumps, Math.max(0, n));
  const subtitle =
    `Scan preview · ${n} spots in ${scan.stamps.length} stamp${scan.stamps.length === 1 ? "" : "s"}` +
    ` · treatment ${formatValue(tMax / 1000)} s · discs at true size, coloured by ${opts.colorBy?.caption ?? "firing time"}` +
    (shownJumps > 0 ? ` · path of the first ${shownJumps} jumps` : "") +
    (passCountOf(scan) > 1 ? ` · ${passCountOf(scan)} passes, rim colour = pass` : "") +
    (scan.aimPath ? " · aiming beam in red" : "");
  const title = layoutTitle(measure, opts.title ?? "Scan preview", subtitle, textW);
  const barH = Math.max(120, mapH - colorbarHeadPx());
  const bodyH = Math.max(mapH, colorbarHeadPx() + barH);
  const scale = scaleBarFor(pxPerMm, mapW);
  const rPx = (opts.spotUm / 2000) * pxPerMm;
  const items = previewLegendItems(opts, lut, rPx, shownJumps);
  const passes = passCountOf(scan);
  if (passes > 1)
    for (let k = 0; k < Math.min(passes, MAX_LEGEND_PASSES); k++)
      items.push({
        label:
          k === MAX_LEGEND_PASSES - 1 && passes > MAX_LEGEND_PASSES
            ? `passes ${k}–${passes - 1}`
            : `pass ${k}`,
        color: PASS_COLORS[k % PASS_COLORS.length],
        kind: "disc",
        radiusPx: Math.max(4, rPx),
      });
  if (scan.aimPath) items.push({ label: "aiming beam path", color: AIM_COLOR, kind: "line" });
  const legend = layoutLegend(measure, scale, items, textW);
  const mapY = MARGIN_PX + titleHeight(title);
  const legendY = mapY + bodyH + 16;
  const imageH = legendY + legend.heightPx + MARGIN_PX - 6;

  const c = createCanvas(imageW, imageH);
  drawTitle(c, title, MARGIN_PX, MARGIN_PX);
  const place: MapPlacement = {
    x: MARGIN_PX,
    y: mapY,
    widthPx: mapW,
    heightPx: mapH,
    pxPerMm,
    leftMm: minX,
    topMm: maxY,
  };
  fillRect(c, place.x, place.y, mapW, mapH, MAP_BACKGROUND);
  drawStamps(c, scan, place, opts.fieldMm);
  if (opts.outline) {
    for (const line of opts.outline)
      strokePolyline(c, toPixels(place, line), opts.outlineClosed ?? true, OUTLINE_COLOR, 1.5);
  }
  drawSpots(c, scan, shade, place, rPx, lut, tTop);
  if (scan.aimPath)
    for (const path of scan.aimPath)
      if (path.length >= 4) strokePolyline(c, toPixels(place, path), false, AIM_COLOR, 1.5);
  if (shownJumps > 0 && scan.stamps.length > 0) drawPath(c, scan, place, shownJumps, rPx);
  strokeRect(c, place.x - 1, place.y - 1, mapW + 2, mapH + 2, INK_MUTED);
  drawColorbar(c, cbar, place.x + mapW + COLORBAR_GAP_PX, mapY, barH);
  const rowMid = (row: number) => legendY + row * LEGEND_ROW_PX + LEGEND_ROW_PX / 2;
  drawScaleBar(c, scale, MARGIN_PX, rowMid(0));
  for (let k = 0; k < items.length; k++) {
    const pos = legend.positions[k];
    drawLegendItem(c, items[k], MARGIN_PX + pos.dx, rowMid(pos.row));
  }
  return { png: encodePng(c), layout: { width: imageW, height: imageH, map: place } };
}

/** Check the options (PlanError naming the option); the width, the jumps drawn and the colour table. */
function checkPreviewOptions(opts: PreviewOptions): { widthPx: number; jumps: number; lut: Uint8Array } {
  const widthPx = opts.widthPx ?? DEFAULT_WIDTH_PX;
  if (!Number.isInteger(widthPx) || widthPx < MIN_WIDTH_PX || widthPx > MAX_WIDTH_PX)
    throw new PlanError(
      "widthPx",
      widthPx,
      `allowed: a whole number of px, ${MIN_WIDTH_PX}..${MAX_WIDTH_PX}`,
    );
  const jumps = opts.jumps ?? DEFAULT_PREVIEW_JUMPS;
  if (!Number.isInteger(jumps) || jumps < 0)
    throw new PlanError("jumps", jumps, "allowed: a whole number ≥ 0");
  const colormap = checkColormap(opts.colormap ?? DEFAULT_PREVIEW_COLORMAP, "colormap");
  return { widthPx, jumps, lut: colormapLut(colormap) };
}

/** What the map covers, mm: the area's box and every stamp field. */
function previewExtent(
  scan: PreviewScan,
  opts: PreviewOptions,
): { minX: number; minY: number; maxX: number; maxY: number } {
  const [fw, fh] = opts.fieldMm;
  let { minX, minY, maxX, maxY } = opts.boundsMm;
  for (const s of scan.stamps) {
    minX = Math.min(minX, s.originMm[0]);
    minY = Math.min(minY, s.originMm[1]);
    maxX = Math.max(maxX, s.originMm[0] + fw);
    maxY = Math.max(maxY, s.originMm[1] + fh);
  }
  return { minX, minY, maxX, maxY };
}

/** Legend lines: spot size, stamp field, the path and the outline when drawn. */
function previewLegendItems(
  opts: PreviewOptions,
  lut: Uint8Array,
  rPx: number,
  shownJumps: number,
): LegendItem[] {
  const [fw, fh] = opts.fieldMm;
  const items: LegendItem[] = [
    {
      label: `spot Ø ${formatValue(opts.spotUm)} µm`,
      color: [lut[128 * 4], lut[128 * 4 + 1], lut[128 * 4 + 2]],
      kind: "disc",
      radiusPx: rPx,
    },
    { label: `stamp field ${formatValue(fw)} × ${formatValue(fh)} mm`, color: STAMP_COLOR, kind: "line" },
  ];
  if (shownJumps > 0) items.push({ label: "jump path (○ first spot)", color: PATH_COLOR, kind: "path" });
  if (opts.outline && opts.outline.length > 0)
    items.push({ label: "area outline", color: OUTLINE_COLOR, kind: "line", background: MAP_BACKGROUND });
  return items;
}

/** Picture x of an x in mm. */
function pxOf(place: MapPlacement, xMm: number): number {
  return place.x + (xMm - place.leftMm) * place.pxPerMm;
}

/** Picture y of a y in mm (y up on the scanner, down in the picture). */
function pyOf(place: MapPlacement, yMm: number): number {
  return place.y + (place.topMm - yMm) * place.pxPerMm;
}

/** Stamp fields under everything, numbered in visiting order. */
function drawStamps(
  c: Canvas,
  scan: PreviewScan,
  place: MapPlacement,
  fieldMm: readonly [number, number],
): void {
  const [fw, fh] = fieldMm;
  const labelStamps = scan.stamps.length > 1 && scan.stamps.length <= MAX_LABELLED_STAMPS;
  const labelled = new Set<string>();
  for (let s = 0; s < scan.stamps.length; s++) {
    const o = scan.stamps[s].originMm;
    // Later passes revisit the same fields: each field is numbered at its first visit only.
    const key = `${o[0]},${o[1]}`;
    const label = labelStamps && !labelled.has(key);
    labelled.add(key);
    const x0 = Math.round(pxOf(place, o[0]));
    const y0 = Math.round(pyOf(place, o[1] + fh));
    strokeRect(c, x0, y0, Math.round(fw * place.pxPerMm), Math.round(fh * place.pxPerMm), STAMP_COLOR);
    if (label)
      drawText(c, String(s + 1), x0 + 5, y0 + 4, { sizePx: 12, color: STAMP_COLOR, baseline: "top" });
  }
}

/** Discs in firing order, so a later spot covers an earlier one where they overlap. */
function drawSpots(
  c: Canvas,
  scan: PreviewScan,
  shade: ArrayLike<number>,
  place: MapPlacement,
  rPx: number,
  lut: Uint8Array,
  tTop: number,
): void {
  const k255 = (LUT_SIZE - 1) / tTop;
  const rims = passCountOf(scan) > 1 ? scan.pass : undefined;
  // A pass rim a third of the radius wide (at least 1 px); the firing-time colour inside.
  const inner = Math.max(0, rPx - Math.max(1, rPx / 3));
  for (let k = 0; k < scan.xMm.length; k++) {
    const e = Math.min(LUT_SIZE - 1, Math.max(0, Math.round(shade[k] * k255))) * 4;
    const x = pxOf(place, scan.xMm[k]);
    const y = pyOf(place, scan.yMm[k]);
    if (rims) {
      fillDisc(c, x, y, rPx, PASS_COLORS[rims[k] % PASS_COLORS.length]);
      if (inner > 0) fillDisc(c, x, y, inner, [lut[e], lut[e + 1], lut[e + 2]]);
    } else fillDisc(c, x, y, rPx, [lut[e], lut[e + 1], lut[e + 2]]);
  }
}

/** The path of the first jumps: from the first stamp's centre, spot to spot, through each new stamp's centre. */
function drawPath(c: Canvas, scan: PreviewScan, place: MapPlacement, shownJumps: number, rPx: number): void {
  const px = (xMm: number) => pxOf(place, xMm);
  const py = (yMm: number) => pyOf(place, yMm);
  const pts: number[] = [];
  const first = scan.stamp ? scan.stamp[0] : 0;
  pts.push(px(scan.stamps[first].centreMm[0]), py(scan.stamps[first].centreMm[1]));
  let prevStamp = first;
  for (let k = 0; k < shownJumps; k++) {
    const s = scan.stamp ? scan.stamp[k] : 0;
    if (s !== prevStamp) {
      pts.push(px(scan.stamps[s].centreMm[0]), py(scan.stamps[s].centreMm[1]));
      prevStamp = s;
    }
    pts.push(px(scan.xMm[k]), py(scan.yMm[k]));
  }
  strokePolyline(c, pts, false, PATH_COLOR, PATH_WIDTH_PX, PATH_OPACITY);
  // Start: a ring round the first spot.
  const sx = px(scan.xMm[0]);
  const sy = py(scan.yMm[0]);
  const ring = Math.max(rPx + 3, 5);
  const circle: number[] = [];
  for (let a = 0; a < 32; a++)
    circle.push(sx + ring * Math.cos((a / 32) * 2 * Math.PI), sy + ring * Math.sin((a / 32) * 2 * Math.PI));
  strokePolyline(c, circle, true, PATH_COLOR, 2);
}
