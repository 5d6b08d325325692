/**
 * Depth-versus-energy charts on log axes (mJ, µm) for `laserscan calibrate --plot` and
 * `laserscan presets --plot`: one colour per spot size, solid depth curves, dashed coagulation
 * curves, data points marked by evidence level. Drawn with the project's canvas primitives and
 * DejaVu text (src/render), so the bytes are deterministic.
 */
import { schemeTableau10 } from "d3-scale-chromatic";
import type { Laser } from "../plan/schema.js";
import { drawTitle, LABEL_PX, layoutTitle, MARGIN_PX, titleHeight } from "../render/annotate.js";
import {
  type Canvas,
  createCanvas,
  drawText,
  encodePng,
  fillDisc,
  fillRect,
  fillTriangle,
  INK,
  INK_MUTED,
  type Rgb,
  rgb,
  strokeRect,
  strokeSegment,
} from "../render/canvas.js";
import type { Evidence, Measurement } from "./csv.js";
import { NOMINAL_FLAT_SPOT_UM, predictRow, rowBeam } from "./fit.js";

export const PLOT_WIDTH_PX = 960;
export const PLOT_HEIGHT_PX = 640;
const GRID: Rgb = [228, 228, 228];
const LEGEND_ROW_PX = 20;

/** A curve: `[mJ, µm]` points in increasing energy. */
export interface PlotCurve {
  label: string;
  /** Index of the colour (one per spot size). */
  color: number;
  dashed?: boolean;
  points: [number, number][];
}

/** A data point, drawn by evidence level (filled disc, ring, square, triangle, cross). */
export interface PlotMark {
  color: number;
  energyMj: number;
  um: number;
  evidence: Evidence;
  /** Coagulation points are drawn hollow. */
  hollow?: boolean;
}

const color = (i: number): Rgb => rgb(schemeTableau10[i % schemeTableau10.length]);

/** `n` energies spread log-evenly over [lo, hi]. */
export function logSpace(lo: number, hi: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(lo * (hi / lo) ** (n === 1 ? 0 : i / (n - 1)));
  return out;
}

/** Decade ticks with 2 and 5 between them, inside [lo, hi]. */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++)
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** k;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  return out;
}

function tickText(v: number): string {
  return v >= 1 ? String(Math.round(v)) : String(+v.toPrecision(2));
}

function drawMark(c: Canvas, x: number, y: number, m: PlotMark): void {
  const col = color(m.color);
  const r = 5;
  switch (m.evidence) {
    case "in-vivo-human":
      fillDisc(c, x, y, r, col);
      if (m.hollow) fillDisc(c, x, y, r - 2, [255, 255, 255]);
      break;
    case "ex-vivo-human":
      fillRect(c, Math.round(x - r), Math.round(y - r), 2 * r, 2 * r, col);
      if (m.hollow)
        fillRect(c, Math.round(x - r + 2), Math.round(y - r + 2), 2 * r - 4, 2 * r - 4, [255, 255, 255]);
      break;
    case "animal":
      fillTriangle(c, x, y - r - 1, x - r - 1, y + r, x + r + 1, y + r, col);
      break;
    case "simulation":
      strokeRect(c, Math.round(x - r), Math.round(y - r), 2 * r, 2 * r, col);
      break;
    default:
      strokeSegment(c, x - r, y - r, x + r, y + r, col, 2);
      strokeSegment(c, x - r, y + r, x + r, y - r, col, 2);
  }
}

/** Options of {@link renderDepthPlot}. */
export interface DepthPlotOptions {
  title: string;
  subtitle: string;
  curves: PlotCurve[];
  marks: PlotMark[];
  /** Legend lines (colour index or -1 for none, and text). */
  legend: { color: number; dashed?: boolean; text: string }[];
  widthPx?: number;
  heightPx?: number;
}

/** The chart as PNG bytes. */
export function renderDepthPlot(o: DepthPlotOptions): Buffer {
  const W = o.widthPx ?? PLOT_WIDTH_PX;
  const H = o.heightPx ?? PLOT_HEIGHT_PX;
  const c = createCanvas(W, H);
  fillRect(c, 0, 0, W, H, [255, 255, 255]);
  const title = layoutTitle(c, o.title, o.subtitle, W - 2 * MARGIN_PX);
  drawTitle(c, title, MARGIN_PX, MARGIN_PX);
  const evidenceLine =
    "marks: ● in vivo human  ■ ex vivo human  ▲ animal  □ simulation  × claim · hollow = coagulation";
  const legendH = (o.legend.length + 1) * LEGEND_ROW_PX;
  const top = MARGIN_PX + titleHeight(title) + 30;
  const left = MARGIN_PX + 64;
  const right = W - MARGIN_PX - 10;
  const bottom = H - MARGIN_PX - legendH - 44;
  const xs = [...o.curves.flatMap((cv) => cv.points.map((p) => p[0])), ...o.marks.map((m) => m.energyMj)];
  const ys = [...o.curves.flatMap((cv) => cv.points.map((p) => p[1])), ...o.marks.map((m) => m.um)].filter(
    (v) => v > 0,
  );
  const x0 = 10 ** Math.floor(Math.log10(Math.min(...xs)));
  const x1 = 10 ** Math.ceil(Math.log10(Math.max(...xs)));
  const y0 = 10 ** Math.floor(Math.log10(Math.min(...ys)));
  const y1 = 10 ** Math.ceil(Math.log10(Math.max(...ys)));
  const px = (e: number) =>
    left + ((Math.log(e) - Math.log(x0)) / (Math.log(x1) - Math.log(x0))) * (right - left);
  const py = (d: number) =>
    bottom - ((Math.log(d) - Math.log(y0)) / (Math.log(y1) - Math.log(y0))) * (bottom - top);
  for (const v of logTicks(x0, x1)) {
    strokeSegment(c, px(v), top, px(v), bottom, GRID, 1);
    drawText(c, tickText(v), px(v), bottom + 6, {
      sizePx: LABEL_PX,
      align: "center",
      baseline: "top",
      color: INK_MUTED,
    });
  }
  for (const v of logTicks(y0, y1)) {
    strokeSegment(c, left, py(v), right, py(v), GRID, 1);
    drawText(c, tickText(v), left - 6, py(v), {
      sizePx: LABEL_PX,
      align: "right",
      baseline: "middle",
      color: INK_MUTED,
    });
  }
  strokeRect(c, left, top, right - left + 1, bottom - top + 1, INK_MUTED);
  drawText(c, "pulse energy, mJ (log)", (left + right) / 2, bottom + 26, {
    sizePx: LABEL_PX,
    align: "center",
    baseline: "top",
    color: INK,
  });
  drawText(c, "depth, µm (log)", MARGIN_PX, top - 12, {
    sizePx: LABEL_PX,
    baseline: "alphabetic",
    color: INK,
  });
  c.clip = { x0: left, y0: top, x1: right + 1, y1: bottom + 1 };
  for (const cv of o.curves) {
    const col = color(cv.color);
    for (let i = 1; i < cv.points.length; i++) {
      const [ea, da] = cv.points[i - 1];
      const [eb, db] = cv.points[i];
      if (!(da > 0 && db > 0)) continue;
      if (cv.dashed && Math.floor(i / 2) % 2 === 1) continue;
      strokeSegment(c, px(ea), py(da), px(eb), py(db), col, cv.dashed ? 1.5 : 2.25);
    }
  }
  c.clip = undefined;
  for (const m of o.marks) if (m.um > 0) drawMark(c, px(m.energyMj), py(m.um), m);
  let ly = H - MARGIN_PX - legendH + LEGEND_ROW_PX / 2;
  for (const l of o.legend) {
    if (l.color >= 0) {
      const col = color(l.color);
      if (l.dashed)
        for (let k = 0; k < 3; k++)
          strokeSegment(c, MARGIN_PX + k * 10, ly, MARGIN_PX + k * 10 + 6, ly, col, 1.5);
      else strokeSegment(c, MARGIN_PX, ly, MARGIN_PX + 26, ly, col, 2.25);
    }
    drawText(c, l.text, MARGIN_PX + 34, ly, { sizePx: LABEL_PX, baseline: "middle" });
    ly += LEGEND_ROW_PX;
  }
  drawText(c, evidenceLine, MARGIN_PX, ly, { sizePx: LABEL_PX, baseline: "middle", color: INK_MUTED });
  return encodePng(c);
}

/** Depth and total coagulated depth of `laser` along `energies` at one spot (skips sub-threshold). */
export function laserCurve(
  laser: Laser,
  spotUm: number,
  profile: "gaussian" | "tophat",
  energies: readonly number[],
): { depth: [number, number][]; coag: [number, number][] } {
  const depth: [number, number][] = [];
  const coag: [number, number][] = [];
  for (const e of energies) {
    try {
      const p = predictRow(laser, {
        row: 0,
        spotUm: profile === "tophat" && spotUm === NOMINAL_FLAT_SPOT_UM ? undefined : spotUm,
        energyMj: e,
        pulses: 1,
        profile,
        evidence: "in-vivo-human",
        source: "",
        use: "fit",
      });
      depth.push([e, p.depthUm]);
      coag.push([e, p.coagUm]);
    } catch {
      // below the ablation threshold: no point
    }
  }
  return { depth, coag };
}

/** Spot sizes a laser's chart shows: its measured tips, its single table's spot, or its data's. */
export function chartSpots(laser: Laser, rows: readonly Measurement[]): number[] {
  const cal = laser.calibration;
  if (cal?.spots) return cal.spots.map((s) => s.spotUm);
  if (cal?.spotUm !== undefined) return [cal.spotUm];
  const fromRows = [...new Set(rows.map((m) => m.spotUm ?? NOMINAL_FLAT_SPOT_UM))].sort((a, b) => a - b);
  return fromRows.length > 0 ? fromRows : [NOMINAL_FLAT_SPOT_UM];
}

/** `laserscan presets --plot`: a preset's curves per spot size and the evidence it rests on. */
export function presetPlot(laser: Laser, rows: readonly Measurement[]): Buffer {
  const spots = chartSpots(laser, rows);
  const usable = rows.filter(
    (m) =>
      (m.energyMj !== undefined || m.fluenceJcm2 !== undefined) &&
      (m.depthUm !== undefined || m.coagUm !== undefined),
  );
  const energies = [
    ...usable.map((m) => rowBeam(m).energyMj),
    ...(laser.calibration?.spots ?? []).flatMap((s) => s.depth.map((p) => p[0])),
    ...(laser.calibration?.points ?? []).map((p) => p[0]),
  ];
  const flat = laser.calibration === undefined;
  if (energies.length === 0) energies.push(flat ? 100 : 10);
  const eLo = Math.min(...energies) / 2;
  const eHi = Math.max(...energies) * 2;
  const curves: PlotCurve[] = [];
  const legend: DepthPlotOptions["legend"] = [];
  spots.forEach((s, i) => {
    const profile = flat && s === NOMINAL_FLAT_SPOT_UM ? "tophat" : "gaussian";
    const cv = laserCurve(laser, s, profile, logSpace(eLo, eHi, 48));
    const what = laser.kind === "nonablative" ? "column depth" : "ablation depth";
    curves.push({ label: `${s} µm`, color: i, points: cv.depth });
    legend.push({ color: i, text: `${s} µm ${profile === "tophat" ? "flat beam" : "spot"}: ${what}` });
    if (laser.kind === "ablative") {
      curves.push({ label: `${s} µm coag`, color: i, dashed: true, points: cv.coag });
      legend.push({ color: i, dashed: true, text: `${s} µm: total coagulated depth` });
    }
  });
  const marks: PlotMark[] = [];
  for (const m of usable) {
    const s = m.spotUm ?? NOMINAL_FLAT_SPOT_UM;
    const ci = Math.max(0, spots.indexOf(s));
    const e = rowBeam(m).energyMj;
    if (m.depthUm !== undefined)
      marks.push({ color: ci, energyMj: e, um: m.depthUm / m.pulses, evidence: m.evidence });
    if (m.coagUm !== undefined)
      marks.push({ color: ci, energyMj: e, um: m.coagUm, evidence: m.evidence, hollow: true });
  }
  return renderDepthPlot({
    title: `${laser.name}: depth per pulse vs energy`,
    subtitle: `${laser.wavelengthNm} nm ${laser.kind}, ${laser.model} · model ±${laser.uncertaintyPct ?? "?"} % · ${usable.length} data rows with numbers (patterns/lasers/data/${laser.name}.csv)`,
    curves,
    marks,
    legend,
  });
}

/** `laserscan calibrate --plot`: measured points, the fit and the `--from` laser, per spot size. */
export function calibratePlot(fitted: Laser, from: Laser, rows: readonly Measurement[]): Buffer {
  const spots = [...new Set(rows.map((m) => m.spotUm ?? NOMINAL_FLAT_SPOT_UM))].sort((a, b) => a - b);
  const energies = rows.map((m) => rowBeam(m).energyMj);
  const grid = logSpace(Math.min(...energies) / 2, Math.max(...energies) * 2, 48);
  const curves: PlotCurve[] = [];
  const legend: DepthPlotOptions["legend"] = [];
  spots.forEach((s, i) => {
    const profile = rows.find((m) => (m.spotUm ?? NOMINAL_FLAT_SPOT_UM) === s)?.profile ?? "gaussian";
    curves.push({ label: `${s} fit`, color: i, points: laserCurve(fitted, s, profile, grid).depth });
    curves.push({
      label: `${s} from`,
      color: i,
      dashed: true,
      points: laserCurve(from, s, profile, grid).depth,
    });
    legend.push({ color: i, text: `${s} µm: fit (${fitted.model})` });
    legend.push({ color: i, dashed: true, text: `${s} µm: --from ${from.name}` });
  });
  const marks: PlotMark[] = rows
    .filter((m) => m.depthUm !== undefined)
    .map((m) => ({
      color: Math.max(0, spots.indexOf(m.spotUm ?? NOMINAL_FLAT_SPOT_UM)),
      energyMj: rowBeam(m).energyMj,
      um: (m.depthUm as number) / m.pulses,
      evidence: m.evidence,
    }));
  return renderDepthPlot({
    title: `${fitted.name}: calibration fit`,
    subtitle: `${rows.length} measured rows · RMS log error ${fitted.fit?.rmsLogError ?? "–"} · model ±${fitted.uncertaintyPct} % · depth per pulse`,
    curves,
    marks,
    legend,
  });
}
