/**
 * Sweep chart: one metric against the first varied key, one line per value of
 * the other varied keys (legend), on a white PNG. A numeric first key gets a numeric axis with
 * nice 1-2-5 ticks; a text key gets evenly spaced categories in the order given. Drawn with the
 * shared canvas primitives and DejaVu text (src/render), so the bytes are deterministic.
 */
import { schemeTableau10 } from "d3-scale-chromatic";
import {
  drawLegendItem,
  drawTitle,
  formatTick,
  LABEL_PX,
  type LegendItem,
  layoutTitle,
  legendItemWidth,
  MARGIN_PX,
  niceStep,
  titleHeight,
} from "../render/annotate.js";
import {
  type Canvas,
  createCanvas,
  drawText,
  encodePng,
  fillDisc,
  fillRect,
  INK,
  INK_MUTED,
  type Rgb,
  rgb,
  strokeSegment,
  textWidth,
} from "../render/canvas.js";
import type { Cell, CsvTable } from "./csv.js";

/** Default chart size, px. */
export const CHART_WIDTH_PX = 960;
export const CHART_HEIGHT_PX = 600;
/** Tick length and gap to labels, px. */
const TICK_PX = 5;
const TICK_GAP_PX = 6;
const LINE_PX = 2.25;
const POINT_RADIUS_PX = 3.75;
const GRID: Rgb = [228, 228, 228];
const AXIS_TICKS = 6;
/** Gap between a numeric x axis's ends and the plot's sides, px. */
const DATA_INSET_PX = 14;
/** Extra width per series below when lines overlap, px (total at most OVERLAP_MAX_PX). */
const OVERLAP_STEP_PX = 3;
const OVERLAP_MAX_PX = 9;

/** Do two series share a point (within 1.5 px)? */
function seriesOverlap(series: readonly { x: number; y: number }[][]): boolean {
  for (let a = 0; a < series.length; a++)
    for (let b = a + 1; b < series.length; b++)
      for (const p of series[a])
        for (const q of series[b]) if (Math.abs(p.x - q.x) < 1.5 && Math.abs(p.y - q.y) < 1.5) return true;
  return false;
}

/** What to draw. */
export interface ChartSpec {
  /** The sweep's table: varied keys first, then report columns. */
  table: CsvTable;
  /** How many leading columns are varied keys. */
  keyCount: number;
  /** Column plotted on the y axis. */
  metric: string;
  /** Title, e.g. the plan name. */
  title: string;
  /** Muted line under the title. */
  subtitle?: string;
  widthPx?: number;
  heightPx?: number;
}

const UNITS: [RegExp, string][] = [
  [/PerCm2$/, "1/cm²"],
  [/Jcm2$/, "J/cm²"],
  [/Mm2$/, "mm²"],
  [/MmS$/, "mm/s"],
  [/Um$/, "µm"],
  [/Mm$/, "mm"],
  [/Ms$/, "ms"],
  [/Us$/, "µs"],
  [/Mj$/, "mJ"],
  [/Hz$/, "Hz"],
  [/Deg$/, "°"],
  [/Nm$/, "nm"],
];

/** The unit a dotted key's name carries (docs/formats.md), or a word for unitless ones. */
export function unitOf(key: string): string {
  const last = key.split(".").at(-1) ?? key;
  for (const [re, unit] of UNITS) if (re.test(last)) return unit;
  if (last === "coverage" || last === "ablatedFraction" || last === "jitter") return "fraction";
  if (key.startsWith("heat.") && last.endsWith("C")) return "K";
  if (key.startsWith("heat.")) return "heat index";
  return "";
}

/** Axis label: the key and its unit. */
export function axisLabel(key: string): string {
  const u = unitOf(key);
  return u ? `${key}, ${u}` : key;
}

/** Nice ticks covering [lo, hi] (1-2-5 steps, about `target` of them). */
export function rangeTicks(lo: number, hi: number, target = AXIS_TICKS): { ticks: number[]; step: number } {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.5;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, target);
  const a = Math.floor(lo / step + 1e-9);
  const b = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  for (let k = a; k <= b; k++) ticks.push(Number((k * step).toPrecision(12)));
  return { ticks, step };
}

function label(c: Cell): string {
  return c === null ? "–" : String(c);
}

function colour(i: number): Rgb {
  return rgb(schemeTableau10[i % schemeTableau10.length]);
}

/** What the chart shows: x values, series and the metric's values, with the y ticks. */
interface ChartData {
  xs: Cell[];
  numericX: boolean;
  categories: string[];
  /** The varied keys after the first (one series per combination of their values). */
  seriesKeys: string[];
  seriesNames: string[];
  /** Series of each row. */
  seriesOf: number[];
  ys: Cell[];
  finite: number[];
  yT: ReturnType<typeof rangeTicks>;
}

function chartData(spec: ChartSpec): ChartData {
  const { table, keyCount, metric } = spec;
  const mIdx = table.columns.indexOf(metric);
  if (mIdx < 0) throw new Error(`chart: no column ${metric}`);
  const rows = table.rows;
  const xs = rows.map((r) => r[0]);
  const numericX = xs.every((v) => typeof v === "number");
  const categories: string[] = [];
  for (const v of xs) if (!categories.includes(label(v))) categories.push(label(v));
  // Series: one per combination of the other varied keys, in first-seen order.
  const seriesKeys = table.columns.slice(1, keyCount);
  const seriesNames: string[] = [];
  const seriesOf = rows.map((r) => {
    const parts = seriesKeys.map((k, i) =>
      seriesKeys.length > 1 ? `${k}=${label(r[i + 1])}` : label(r[i + 1]),
    );
    const name = parts.join(", ");
    if (!seriesNames.includes(name)) seriesNames.push(name);
    return seriesNames.indexOf(name);
  });
  const ys = rows.map((r) => r[mIdx]);
  const finite = ys.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const yMinData = finite.length ? Math.min(...finite) : 0;
  const yMaxData = finite.length ? Math.max(...finite) : 1;
  const yT = rangeTicks(Math.min(0, yMinData), Math.max(0, yMaxData));
  return { xs, numericX, categories, seriesKeys, seriesNames, seriesOf, ys, finite, yT };
}

/** Where everything goes on the canvas. */
interface ChartLayout {
  tb: ReturnType<typeof layoutTitle>;
  top: number;
  legendItems: LegendItem[];
  legendTitle: string;
  yLabels: string[];
  plotL: number;
  plotR: number;
  plotT: number;
  plotB: number;
  plotW: number;
  plotH: number;
  yPx: (v: number) => number;
  xPx: (v: Cell) => number;
  xTicks: { px: number; text: string }[];
}

function chartLayout(c: Canvas, spec: ChartSpec, d: ChartData, W: number, H: number): ChartLayout {
  const tb = layoutTitle(c, spec.title, spec.subtitle ?? "", W - 2 * MARGIN_PX);
  const top = MARGIN_PX + titleHeight(tb);
  const legendItems: LegendItem[] = d.seriesKeys.length
    ? d.seriesNames.map((n, i) => ({ label: n, color: colour(i), kind: "line" }))
    : [];
  const legendTitle = d.seriesKeys.join(", ");
  const legendW = legendItems.length
    ? Math.max(
        textWidth(c, legendTitle, LABEL_PX, true),
        ...legendItems.map((it) => legendItemWidth(c, it)),
      ) + 12
    : 0;
  const yT = d.yT;
  const yLabels = yT.ticks.map((v) => formatTick(v, yT.step));
  const yLabelW = Math.max(...yLabels.map((s) => textWidth(c, s, LABEL_PX)));
  const plotL = MARGIN_PX + Math.ceil(yLabelW) + TICK_PX + TICK_GAP_PX;
  const plotR = W - MARGIN_PX - legendW;
  const yAxisTitleH = Math.round(LABEL_PX * 1.45) + 8;
  const plotT = top + yAxisTitleH;
  const xAxisH = TICK_PX + TICK_GAP_PX + Math.round(LABEL_PX * 1.45) * 2 + 10;
  const plotB = H - MARGIN_PX - xAxisH;
  const plotW = plotR - plotL;
  const plotH = plotB - plotT;

  const yLo = yT.ticks[0];
  const yHi = yT.ticks[yT.ticks.length - 1];
  const yPx = (v: number): number => plotB - ((v - yLo) / (yHi - yLo)) * plotH;
  let xPx: (v: Cell) => number;
  let xTicks: { px: number; text: string }[];
  if (d.numericX) {
    const nx = d.xs as number[];
    const xT = rangeTicks(Math.min(...nx), Math.max(...nx));
    const lo = xT.ticks[0];
    const hi = xT.ticks[xT.ticks.length - 1];
    // Data keeps a small inset from the axes so end points are not cut by them.
    xPx = (v) => plotL + DATA_INSET_PX + (((v as number) - lo) / (hi - lo)) * (plotW - 2 * DATA_INSET_PX);
    xTicks = xT.ticks.map((v) => ({ px: xPx(v), text: formatTick(v, xT.step) }));
  } else {
    const slot = plotW / d.categories.length;
    xPx = (v) => plotL + (d.categories.indexOf(label(v)) + 0.5) * slot;
    xTicks = d.categories.map((t, i) => ({ px: plotL + (i + 0.5) * slot, text: t }));
  }
  return {
    tb,
    top,
    legendItems,
    legendTitle,
    yLabels,
    plotL,
    plotR,
    plotT,
    plotB,
    plotW,
    plotH,
    yPx,
    xPx,
    xTicks,
  };
}

/** Title, grid, axes and their labels. */
function drawFrame(c: Canvas, spec: ChartSpec, d: ChartData, L: ChartLayout, H: number): void {
  const { plotL, plotB, plotT, plotW, plotH } = L;
  drawTitle(c, L.tb, MARGIN_PX, MARGIN_PX);
  // Grid and y axis.
  d.yT.ticks.forEach((v, i) => {
    const y = Math.round(L.yPx(v));
    fillRect(c, plotL, y, plotW, 1, GRID);
    fillRect(c, plotL - TICK_PX, y, TICK_PX, 1, INK);
    drawText(c, L.yLabels[i], plotL - TICK_PX - TICK_GAP_PX, y, {
      sizePx: LABEL_PX,
      align: "right",
      baseline: "middle",
    });
  });
  drawText(c, axisLabel(spec.metric), MARGIN_PX, L.top, { sizePx: LABEL_PX, bold: true, baseline: "top" });
  // X axis.
  for (const t of L.xTicks) {
    const x = Math.round(t.px);
    fillRect(c, x, plotB, 1, TICK_PX, INK);
    drawText(c, t.text, x, plotB + TICK_PX + TICK_GAP_PX, {
      sizePx: LABEL_PX,
      align: "center",
      baseline: "top",
    });
  }
  fillRect(c, plotL, plotT, 1, plotH + 1, INK);
  fillRect(c, plotL, plotB, plotW, 1, INK);
  drawText(
    c,
    axisLabel(spec.table.columns[0]),
    plotL + plotW / 2,
    H - MARGIN_PX - Math.round(LABEL_PX * 1.2),
    {
      sizePx: LABEL_PX,
      bold: true,
      align: "center",
      baseline: "top",
    },
  );
}

/** The series' lines and points. */
function drawLines(c: Canvas, spec: ChartSpec, d: ChartData, L: ChartLayout): void {
  // Lines: each series' points in x order (numeric) or category order.
  const series = d.seriesNames.map((_, si) => {
    const pts: { x: number; y: number }[] = [];
    spec.table.rows.forEach((r, k) => {
      const v = d.ys[k];
      if (d.seriesOf[k] !== si || typeof v !== "number" || !Number.isFinite(v)) return;
      pts.push({ x: L.xPx(r[0]), y: L.yPx(v) });
    });
    return pts.sort((a, b) => a.x - b.x);
  });
  // Series with equal values would hide each other: then earlier ones are drawn wider, so each
  // shows as a band around the next.
  const overlap = seriesOverlap(series);
  const n = series.length;
  const widen = overlap && n > 1 ? Math.min(OVERLAP_STEP_PX, OVERLAP_MAX_PX / (n - 1)) : 0;
  series.forEach((pts, si) => {
    const col = colour(si);
    const w = LINE_PX + widen * (n - 1 - si);
    for (let k = 1; k < pts.length; k++)
      strokeSegment(c, pts[k - 1].x, pts[k - 1].y, pts[k].x, pts[k].y, col, w);
    for (const p of pts) fillDisc(c, p.x, p.y, Math.max(POINT_RADIUS_PX, w / 2 + 1.5), col);
  });
  if (overlap)
    drawText(c, "equal values overlap: earlier lines drawn wider", L.plotR, L.plotT - 6, {
      sizePx: LABEL_PX - 2,
      color: INK_MUTED,
      align: "right",
    });
}

/** Draw the chart; returns the canvas. */
export function drawSweepChart(spec: ChartSpec): Canvas {
  const W = spec.widthPx ?? CHART_WIDTH_PX;
  const H = spec.heightPx ?? CHART_HEIGHT_PX;
  const c = createCanvas(W, H);
  const d = chartData(spec);
  const L = chartLayout(c, spec, d, W, H);
  drawFrame(c, spec, d, L, H);
  drawLines(c, spec, d, L);
  // Legend on the right, titled with the key(s) its lines stand for.
  if (L.legendItems.length) {
    const lx = L.plotR + 16;
    let ly = L.plotT;
    drawText(c, L.legendTitle, lx, ly, { sizePx: LABEL_PX, bold: true, baseline: "top" });
    ly += Math.round(LABEL_PX * 1.45) + 12;
    for (const item of L.legendItems) {
      drawLegendItem(c, item, lx, ly);
      ly += 24;
    }
  }
  if (d.finite.length === 0)
    drawText(c, `no values of ${spec.metric}`, L.plotL + L.plotW / 2, L.plotT + L.plotH / 2, {
      sizePx: LABEL_PX,
      color: INK_MUTED,
      align: "center",
      baseline: "middle",
    });
  return c;
}

/** The chart as PNG bytes. */
export function sweepChartPng(spec: ChartSpec): Buffer {
  return encodePng(drawSweepChart(spec));
}
