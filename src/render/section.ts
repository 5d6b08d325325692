/**
 * A cross-section picture (`laserscan render <depth> --section x0,y0,x1,y1 -o section.png`):
 * the depth profile along a straight line drawn as a histologist would see it, the surface on
 * top and depth growing downwards in µm, the craters cut out of the tissue, the coagulated zone
 * under them, and the plan's skin region as epidermis / dermis (/ subcutis) bands. The profile
 * itself comes from src/view/profile.ts, the same code the view page runs.
 */
import type { Raster } from "../dose/raster.js";
import { PlanError } from "../errors.js";
import { isRegionName, REGIONS } from "../plan/regions.js";
import type { ResolvedPlan } from "../plan/schema.js";
import {
  coagulationAlong,
  columnMax,
  finiteMax,
  layerBands,
  SECTION_COLORS,
  type SkinLayers,
  sampleSection,
  sectionBottomUm,
} from "../view/profile.js";
import {
  drawLegendItem,
  drawScaleBar,
  drawTitle,
  formatTick,
  formatValue,
  LABEL_PX,
  LEGEND_ROW_PX,
  type LegendItem,
  layoutLegend,
  layoutTitle,
  MARGIN_PX,
  niceStep,
  niceTicks,
  scaleBarFor,
  titleHeight,
} from "./annotate.js";
import {
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

/** Plot size, px. */
export const SECTION_PLOT_W_PX = 900;
export const SECTION_PLOT_H_PX = 320;
const AXIS_W_PX = 56;
const AXIS_H_PX = 40;
const CRATER_WIDTH_PX = 1.5;

/** Options of {@link renderSection}. */
export interface SectionOptions {
  /** A coagulation map to draw under the craters. */
  coag?: Raster;
  /** Ablative laser without a coagulation map: its residual coagulation layer, µm. */
  coagOffsetUm?: number;
  /** The plan's skin region (bands). */
  skin?: SkinLayers;
  /** Title line (the plan's key settings). */
  title?: string;
}

/** The profile a section picture shows. */
export interface SectionProfile {
  sMm: Float64Array;
  depthUm: Float64Array;
  coagUm?: Float64Array;
  lengthMm: number;
  maxDepthUm: number;
  bottomUm: number;
}

/** Where the plot went in the picture: its pixel box, px per mm along the line and per µm of depth. */
export interface SectionPlot {
  x: number;
  y: number;
  w: number;
  h: number;
  pxPerMm: number;
  pxPerUm: number;
}

/** The plan's skin region as section bands, when it names one. */
export function sectionSkin(plan: ResolvedPlan): SkinLayers | undefined {
  const r = plan.region;
  if (r === undefined || !isRegionName(r)) return undefined;
  return { name: r, epidermisUm: REGIONS[r].epidermisUm, dermisUm: REGIONS[r].dermisUm };
}

/** Draw the depth profile of `depth` along the line [x0, y0, x1, y1] (mm) as a PNG. */
export function renderSection(
  depth: Raster,
  line: readonly [number, number, number, number],
  opts: SectionOptions = {},
): { png: Buffer; profile: SectionProfile; plot: SectionPlot } {
  const [x0, y0, x1, y1] = line;
  const sec = sampleSection(depth, x0, y0, x1, y1);
  let inside = 0;
  for (let k = 0; k < sec.values.length; k++) if (!Number.isNaN(sec.values[k])) inside++;
  if (inside === 0)
    throw new PlanError(
      "--section",
      line.join(","),
      `the line misses the map (x ${formatValue(depth.originMm[0])}..${formatValue(depth.originMm[0] + (depth.width * depth.pixelUm) / 1000)}, y ${formatValue(depth.originMm[1])}..${formatValue(depth.originMm[1] + (depth.height * depth.pixelUm) / 1000)} mm)`,
    );
  const coag = coagulationAlong(sec, opts.coag, opts.coagOffsetUm);
  const maxDepthUm = finiteMax(sec.values);
  const maxCoagUm = coag ? finiteMax(coag) : 0;
  const bottomUm = sectionBottomUm(maxDepthUm, maxCoagUm, opts.skin);
  const profile: SectionProfile = {
    sMm: sec.sMm,
    depthUm: sec.values,
    coagUm: coag,
    lengthMm: sec.lengthMm,
    maxDepthUm,
    bottomUm,
  };

  const measure = createCanvas(1, 1);
  const plotW = SECTION_PLOT_W_PX;
  const plotH = SECTION_PLOT_H_PX;
  const imageW = plotW + AXIS_W_PX + 2 * MARGIN_PX;
  const pxPerMm = plotW / sec.lengthMm;
  const pxPerUm = plotH / bottomUm;
  const exaggeration = (pxPerUm * 1000) / pxPerMm;
  const subtitle =
    `Cross-section from (${formatValue(x0)}, ${formatValue(y0)}) to (${formatValue(x1)}, ${formatValue(y1)}) mm · ` +
    `${formatValue(sec.lengthMm)} mm · map at ${formatValue(depth.pixelUm)} µm/pixel · ` +
    `max depth along the line ${formatValue(maxDepthUm)} µm · depth drawn ${formatValue(exaggeration)}× the horizontal scale`;
  const title = layoutTitle(measure, opts.title ?? "Cross-section", subtitle, imageW - 2 * MARGIN_PX);
  const items: LegendItem[] = [];
  const bands = opts.skin ? layerBands(opts.skin, bottomUm) : [];
  for (const b of bands)
    items.push({
      label:
        b.name === "epidermis"
          ? `epidermis ${formatValue(opts.skin?.epidermisUm ?? 0)} µm`
          : b.name === "dermis"
            ? `dermis ${formatValue(opts.skin?.dermisUm ?? 0)} µm`
            : "subcutis",
      color: rgb(SECTION_COLORS[b.name]),
      kind: "swatch",
    });
  if (!opts.skin)
    items.push({
      label: "tissue (no region in the plan)",
      color: rgb(SECTION_COLORS.dermis),
      kind: "swatch",
    });
  if (coag && maxCoagUm > 0)
    items.push({ label: "coagulated", color: rgb(SECTION_COLORS.coagulation), kind: "swatch" });
  if (maxDepthUm > 0)
    items.push({ label: "ablated (crater)", color: rgb(SECTION_COLORS.air), kind: "swatch" });
  if (opts.skin) items.push({ label: `skin region: ${opts.skin.name}`, color: INK, kind: "none" });
  const scale = scaleBarFor(pxPerMm, plotW);
  const legend = layoutLegend(measure, scale, items, imageW - 2 * MARGIN_PX);
  const plotX = MARGIN_PX + AXIS_W_PX;
  const plotY = MARGIN_PX + titleHeight(title) + LABEL_PX + 10;
  const legendY = plotY + plotH + AXIS_H_PX;
  const imageH = legendY + legend.heightPx + MARGIN_PX - 6;

  const c = createCanvas(imageW, imageH);
  drawTitle(c, title, MARGIN_PX, MARGIN_PX);
  drawText(c, "Depth below the surface, µm", plotX - AXIS_W_PX, plotY - 6 - LABEL_PX, {
    sizePx: LABEL_PX,
    bold: true,
    baseline: "top",
  });
  // Tissue bands, then per column: air down to the crater floor, coagulation below it.
  const tissue: { top: number; bottom: number; color: Rgb }[] = bands.length
    ? bands.map((b) => ({ top: b.topUm, bottom: b.bottomUm, color: rgb(SECTION_COLORS[b.name]) }))
    : [{ top: 0, bottom: bottomUm, color: rgb(SECTION_COLORS.dermis) }];
  for (const b of tissue) {
    const ya = Math.round(b.top * pxPerUm);
    const yb = Math.round(b.bottom * pxPerUm);
    fillRect(c, plotX, plotY + ya, plotW, yb - ya, b.color);
  }
  const depthCols = columnMax(sec.sMm, sec.values, sec.lengthMm, plotW);
  const coagCols = coag ? columnMax(sec.sMm, coag, sec.lengthMm, plotW) : undefined;
  const air = rgb(SECTION_COLORS.air);
  const coagColor = rgb(SECTION_COLORS.coagulation);
  for (let col = 0; col < plotW; col++) {
    const d = depthCols[col];
    if (Number.isNaN(d)) {
      fillRect(c, plotX + col, plotY, 1, plotH, [236, 236, 236]);
      continue;
    }
    const yd = Math.min(plotH, Math.round(d * pxPerUm));
    if (coagCols && coagCols[col] > d) {
      const yc = Math.min(plotH, Math.round(coagCols[col] * pxPerUm));
      fillRect(c, plotX + col, plotY + yd, 1, yc - yd, coagColor);
    }
    if (yd > 0) fillRect(c, plotX + col, plotY, 1, yd, air);
  }
  // The crater floor as a line.
  const pts = new Float64Array(2 * plotW);
  for (let col = 0; col < plotW; col++) {
    pts[2 * col] = plotX + col + 0.5;
    pts[2 * col + 1] =
      plotY + Math.min(plotH, (!Number.isNaN(depthCols[col]) ? depthCols[col] : 0) * pxPerUm);
  }
  c.clip = { x0: plotX, y0: plotY - 2, x1: plotX + plotW, y1: plotY + plotH };
  strokePolyline(c, pts, false, rgb(SECTION_COLORS.crater), CRATER_WIDTH_PX);
  c.clip = undefined;
  strokeRect(c, plotX - 1, plotY - 1, plotW + 2, plotH + 2, INK_MUTED);
  // Depth axis (down) and distance axis.
  const step = niceStep(bottomUm, 5);
  for (const v of niceTicks(bottomUm, 5)) {
    const y = plotY + Math.round(v * pxPerUm);
    fillRect(c, plotX - 6, Math.min(y, plotY + plotH - 1), 5, 1, INK);
    drawText(c, formatTick(v, step), plotX - 9, y, { sizePx: LABEL_PX, align: "right", baseline: "middle" });
  }
  const sStep = niceStep(sec.lengthMm, 8);
  for (const v of niceTicks(sec.lengthMm, 8)) {
    const x = plotX + Math.round(v * pxPerMm);
    fillRect(c, Math.min(x, plotX + plotW - 1), plotY + plotH + 1, 1, 5, INK);
    drawText(c, formatTick(v, sStep), x, plotY + plotH + 9, {
      sizePx: LABEL_PX,
      align: "center",
      baseline: "top",
    });
  }
  drawText(c, "distance along the line, mm", plotX + plotW, plotY + plotH + 9 + LABEL_PX + 4, {
    sizePx: LABEL_PX,
    align: "right",
    baseline: "top",
    color: INK_MUTED,
  });
  const rowMid = (row: number) => legendY + row * LEGEND_ROW_PX + LEGEND_ROW_PX / 2;
  drawScaleBar(c, scale, MARGIN_PX, rowMid(0));
  for (let k = 0; k < items.length; k++) {
    const pos = legend.positions[k];
    drawLegendItem(c, items[k], MARGIN_PX + pos.dx, rowMid(pos.row));
  }
  return { png: encodePng(c), profile, plot: { x: plotX, y: plotY, w: plotW, h: plotH, pxPerMm, pxPerUm } };
}
