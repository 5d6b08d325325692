/**
 * The frame around a map (docs/formats.md): title lines, a colorbar with 1-2-5 tick labels, a scale
 * bar in mm and a legend row. Each piece measures itself first (so the caller can lay the
 * picture out) and then draws at a given place.
 */
import {
  type Canvas,
  drawText,
  fillDisc,
  fillRect,
  fillTriangle,
  INK,
  INK_MUTED,
  type Rgb,
  strokeRect,
  strokeSegment,
  textAscent,
  textWidth,
} from "./canvas.js";
import { LUT_SIZE } from "./colormap.js";

/** Outer margin of every picture, px. */
export const MARGIN_PX = 24;
/** Title (bold), subtitle and label font sizes, px. */
export const TITLE_PX = 16;
export const SUBTITLE_PX = 13;
export const LABEL_PX = 13;
/** Line height factor for stacked text. */
const LINE_HEIGHT = 1.45;
/** Colorbar geometry, px. */
export const COLORBAR_WIDTH_PX = 18;
export const COLORBAR_GAP_PX = 22;
const TICK_PX = 5;
const TICK_GAP_PX = 4;
/** The scale bar aims at about this fraction of the map width. */
const SCALEBAR_FRACTION = 0.2;
const SCALEBAR_THICK_PX = 6;
/** Legend sample size, px. */
const SAMPLE_W_PX = 30;
const SAMPLE_H_PX = 14;
const LEGEND_GAP_PX = 18;

/** A tick step of 1, 2 or 5 × 10^k giving about `target` intervals over `span`. */
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

/** The longest 1, 2 or 5 × 10^k not above `maxLen` (a scale-bar length). */
export function niceLength(maxLen: number): number {
  if (!(maxLen > 0) || !Number.isFinite(maxLen)) return 1;
  const mag = 10 ** Math.floor(Math.log10(maxLen));
  const norm = maxLen / mag;
  return (norm >= 5 ? 5 : norm >= 2 ? 2 : 1) * mag;
}

/** Format a tick value with as many decimals as its step needs. */
export function formatTick(v: number, step: number): string {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(decimals);
}

/** Format a number for prose: 3 significant digits, no trailing zeros, no exponent. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  const decimals = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : Math.min(6, 2 - Math.floor(Math.log10(a)));
  return String(Number(v.toFixed(decimals)));
}

/** Separator of the parts of a title line; lines break between parts first. */
export const TITLE_SEPARATOR = " · ";

/** Greedy line filling: join `pieces` with `joiner` while the line fits `maxWidthPx`. */
function fill(
  c: Canvas,
  pieces: string[],
  joiner: string,
  sizePx: number,
  bold: boolean,
  maxWidthPx: number,
) {
  const lines: string[] = [];
  let line = "";
  for (const p of pieces) {
    const next = line === "" ? p : `${line}${joiner}${p}`;
    if (line !== "" && textWidth(c, next, sizePx, bold) > maxWidthPx) {
      lines.push(line);
      line = p;
    } else line = next;
  }
  lines.push(line);
  return lines;
}

/**
 * Split `text` into lines no wider than `maxWidthPx`: between " · " parts where possible,
 * else at spaces.
 */
export function wrapText(
  c: Canvas,
  text: string,
  sizePx: number,
  bold: boolean,
  maxWidthPx: number,
): string[] {
  const lines: string[] = [];
  for (const para of text.split("\n")) {
    for (const line of fill(c, para.split(TITLE_SEPARATOR), TITLE_SEPARATOR, sizePx, bold, maxWidthPx)) {
      if (textWidth(c, line, sizePx, bold) <= maxWidthPx) lines.push(line);
      else lines.push(...fill(c, line.split(" "), " ", sizePx, bold, maxWidthPx));
    }
  }
  return lines;
}

/** Title block: a bold title and muted subtitle lines, already wrapped. */
export interface TitleBlock {
  title: string[];
  subtitle: string[];
}

/** Wrap a title and subtitle to `maxWidthPx`. */
export function layoutTitle(c: Canvas, title: string, subtitle: string, maxWidthPx: number): TitleBlock {
  return {
    title: title ? wrapText(c, title, TITLE_PX, true, maxWidthPx) : [],
    subtitle: subtitle ? wrapText(c, subtitle, SUBTITLE_PX, false, maxWidthPx) : [],
  };
}

/** Height of a title block, px (including the gap below it). */
export function titleHeight(t: TitleBlock): number {
  const h =
    t.title.length * Math.round(TITLE_PX * LINE_HEIGHT) +
    t.subtitle.length * Math.round(SUBTITLE_PX * LINE_HEIGHT);
  return h > 0 ? h + 10 : 0;
}

/** Draw a title block with its top-left corner at (x, y). */
export function drawTitle(c: Canvas, t: TitleBlock, x: number, y: number): void {
  let yy = y;
  for (const line of t.title) {
    drawText(c, line, x, yy, { sizePx: TITLE_PX, bold: true, baseline: "top" });
    yy += Math.round(TITLE_PX * LINE_HEIGHT);
  }
  for (const line of t.subtitle) {
    drawText(c, line, x, yy, { sizePx: SUBTITLE_PX, color: INK_MUTED, baseline: "top" });
    yy += Math.round(SUBTITLE_PX * LINE_HEIGHT);
  }
}

/** What a colorbar shows. */
export interface ColorbarSpec {
  /** RGBA lookup table (bottom of the bar = entry 0). */
  lut: Uint8Array;
  /** Value at the top of the bar (the bottom is 0). */
  max: number;
  /** Axis title above the bar, e.g. "Depth, µm". */
  label: string;
  /** Unit appended to the top label when clipped, e.g. "µm". */
  unit: string;
  /** Values above `max` exist and were drawn in the top colour: mark it. */
  clipped: boolean;
}

/** Colorbar tick labels (value, text) for a bar from 0 to `max`. */
export function colorbarTicks(max: number): { value: number; text: string }[] {
  const step = niceStep(max, 5);
  return niceTicks(max, 5).map((value) => ({ value, text: formatTick(value, step) }));
}

/** Width the colorbar, its tick labels and its title take, px. */
export function colorbarWidth(c: Canvas, spec: ColorbarSpec): number {
  let labels = 0;
  for (const t of colorbarTicks(spec.max)) labels = Math.max(labels, textWidth(c, t.text, LABEL_PX));
  labels = Math.max(labels, textWidth(c, spec.clipped ? clippedText(spec) : formatValue(spec.max), LABEL_PX));
  const bar = COLORBAR_WIDTH_PX + TICK_PX + TICK_GAP_PX + Math.ceil(labels);
  return Math.max(bar, Math.ceil(textWidth(c, spec.label, LABEL_PX, true)));
}

/** Space above the bar for its title (and the clip mark), px. */
export function colorbarHeadPx(): number {
  return Math.round(LABEL_PX * LINE_HEIGHT) + 16;
}

function clippedText(spec: ColorbarSpec): string {
  return `≥ ${formatValue(spec.max)}`;
}

/**
 * Draw a vertical colorbar: its title at (x, y), the bar below it `heightPx` tall (the top is
 * `max`), ticks and labels on its right, and an up-pointing triangle above the bar when
 * values were clipped. Returns the bar's pixel rectangle (for tests).
 */
export function drawColorbar(
  c: Canvas,
  spec: ColorbarSpec,
  x: number,
  y: number,
  heightPx: number,
): { x: number; y: number; w: number; h: number } {
  drawText(c, spec.label, x, y, { sizePx: LABEL_PX, bold: true, baseline: "top" });
  const barY = y + colorbarHeadPx();
  const lut = spec.lut;
  const h = Math.max(2, Math.round(heightPx));
  const rows = h;
  for (let r = 0; r < rows; r++) {
    // Row r from the top shows t = 1 − (r + ½)/h, so the top row is the last LUT entry.
    const t = 1 - (r + 0.5) / rows;
    const k = Math.min(LUT_SIZE - 1, Math.max(0, Math.round(t * (LUT_SIZE - 1)))) * 4;
    fillRect(c, x, barY + r, COLORBAR_WIDTH_PX, 1, [lut[k], lut[k + 1], lut[k + 2]]);
  }
  // Top and bottom rows are exactly the map's end colours (so the bar reads 0 and max).
  const top = (LUT_SIZE - 1) * 4;
  fillRect(c, x, barY, COLORBAR_WIDTH_PX, 1, [lut[top], lut[top + 1], lut[top + 2]]);
  fillRect(c, x, barY + h - 1, COLORBAR_WIDTH_PX, 1, [lut[0], lut[1], lut[2]]);
  strokeRect(c, x - 1, barY - 1, COLORBAR_WIDTH_PX + 2, h + 2, INK_MUTED);
  const tx = x + COLORBAR_WIDTH_PX;
  const ticks = colorbarTicks(spec.max);
  for (const t of ticks) {
    const ty = barY + Math.round((1 - t.value / spec.max) * (h - 1));
    fillRect(c, tx, ty, TICK_PX, 1, INK);
    // The top label yields to the clip mark when a tick sits at the very top.
    if (spec.clipped && t.value >= spec.max * (1 - 1e-9)) continue;
    drawText(c, t.text, tx + TICK_PX + TICK_GAP_PX, ty, { sizePx: LABEL_PX, baseline: "middle" });
  }
  const last = ticks[ticks.length - 1].value;
  const lastY = barY + Math.round((1 - last / spec.max) * (h - 1));
  if (!spec.clipped && last < spec.max * (1 - 1e-9) && lastY - barY >= LABEL_PX * 2.5) {
    // The top of the scale is the map's own max: label it when it does not crowd a tick.
    fillRect(c, tx, barY, TICK_PX, 1, INK);
    drawText(c, formatValue(spec.max), tx + TICK_PX + TICK_GAP_PX, barY, {
      sizePx: LABEL_PX,
      baseline: "middle",
    });
  }
  if (spec.clipped) {
    const cx = x + COLORBAR_WIDTH_PX / 2;
    const ty = barY - 3;
    fillTriangle(c, x - 1, ty, x + COLORBAR_WIDTH_PX + 1, ty, cx, ty - 11, [
      lut[top],
      lut[top + 1],
      lut[top + 2],
    ]);
    strokeSegment(c, x - 1, ty, cx, ty - 11, INK_MUTED, 1);
    strokeSegment(c, cx, ty - 11, x + COLORBAR_WIDTH_PX + 1, ty, INK_MUTED, 1);
    fillRect(c, tx, barY, TICK_PX, 1, INK);
    drawText(c, clippedText(spec), tx + TICK_PX + TICK_GAP_PX, barY, {
      sizePx: LABEL_PX,
      baseline: "middle",
    });
  }
  return { x, y: barY, w: COLORBAR_WIDTH_PX, h };
}

/** A scale bar of a nice length (about a fifth of `mapWidthPx`). */
export interface ScaleBar {
  lengthMm: number;
  lengthPx: number;
  label: string;
}

/** Choose a scale bar for a map drawn at `pxPerMm`. */
export function scaleBarFor(pxPerMm: number, mapWidthPx: number): ScaleBar {
  const lengthMm = niceLength((mapWidthPx * SCALEBAR_FRACTION) / pxPerMm);
  const label = lengthMm >= 1 ? `${formatValue(lengthMm)} mm` : `${formatValue(lengthMm * 1000)} µm`;
  return { lengthMm, lengthPx: lengthMm * pxPerMm, label };
}

/** Width of a drawn scale bar with its label, px. */
export function scaleBarWidth(c: Canvas, s: ScaleBar): number {
  return Math.ceil(s.lengthPx + 8 + textWidth(c, s.label, LABEL_PX, true));
}

/** Height of a legend row, px. */
export const LEGEND_ROW_PX = 22;

/** Draw a scale bar with its left end at x and vertical centre at yMid. */
export function drawScaleBar(c: Canvas, s: ScaleBar, x: number, yMid: number): void {
  const len = Math.round(s.lengthPx);
  const y = Math.round(yMid - SCALEBAR_THICK_PX / 2);
  fillRect(c, x, y, len, SCALEBAR_THICK_PX, INK);
  fillRect(c, x, y - 3, 1, SCALEBAR_THICK_PX + 6, INK);
  fillRect(c, x + len - 1, y - 3, 1, SCALEBAR_THICK_PX + 6, INK);
  drawText(c, s.label, x + len + 8, yMid, { sizePx: LABEL_PX, bold: true, baseline: "middle" });
}

/** One legend entry: a line (or a filled swatch) drawn on a small `background` sample. */
export interface LegendItem {
  label: string;
  color: Rgb;
  kind: "line" | "swatch" | "path" | "disc" | "none";
  /** Disc radius for kind "disc", px (capped to the sample height). */
  radiusPx?: number;
  /** Sample background (the colormap's start, so a white contour shows as on the map). */
  background?: Rgb;
}

/** Width of a legend item, px. */
export function legendItemWidth(c: Canvas, item: LegendItem): number {
  const sample = item.kind === "none" ? 0 : SAMPLE_W_PX + 6;
  return Math.ceil(sample + textWidth(c, item.label, LABEL_PX)) + LEGEND_GAP_PX;
}

/** Draw one legend item with its left edge at x and vertical centre at yMid; returns its width. */
export function drawLegendItem(c: Canvas, item: LegendItem, x: number, yMid: number): number {
  let tx = x;
  if (item.kind !== "none") {
    const sy = Math.round(yMid - SAMPLE_H_PX / 2);
    if (item.background) fillRect(c, x, sy, SAMPLE_W_PX, SAMPLE_H_PX, item.background);
    if (item.kind === "disc") {
      const r = Math.min(Math.max(item.radiusPx ?? 5, 1.5), SAMPLE_H_PX / 2);
      fillDisc(c, x + SAMPLE_W_PX / 2, yMid, r, item.color);
    } else if (item.kind === "swatch") fillRect(c, x, sy, SAMPLE_W_PX, SAMPLE_H_PX, item.color);
    else if (item.kind === "line") strokeSegment(c, x + 3, yMid, x + SAMPLE_W_PX - 3, yMid, item.color, 2);
    else {
      strokeSegment(c, x + 3, yMid + 3, x + SAMPLE_W_PX / 2, yMid - 3, item.color, 1.25);
      strokeSegment(c, x + SAMPLE_W_PX / 2, yMid - 3, x + SAMPLE_W_PX - 3, yMid + 3, item.color, 1.25);
    }
    if (item.kind !== "disc") strokeRect(c, x, sy, SAMPLE_W_PX, SAMPLE_H_PX, INK_MUTED);
    tx += SAMPLE_W_PX + 6;
  }
  drawText(c, item.label, tx, yMid, { sizePx: LABEL_PX, baseline: "middle" });
  return legendItemWidth(c, item);
}

/**
 * Lay the bottom row out: the scale bar first, then the legend items, wrapping to more rows
 * within `maxWidthPx`. Returns each element's position and the total height.
 */
export function layoutLegend(
  c: Canvas,
  s: ScaleBar,
  items: readonly LegendItem[],
  maxWidthPx: number,
): { positions: { dx: number; row: number }[]; rows: number; heightPx: number } {
  let dx = scaleBarWidth(c, s) + LEGEND_GAP_PX + 8;
  let row = 0;
  const positions: { dx: number; row: number }[] = [];
  for (const item of items) {
    const w = legendItemWidth(c, item);
    if (dx > 0 && dx + w - LEGEND_GAP_PX > maxWidthPx) {
      row++;
      dx = 0;
    }
    positions.push({ dx, row });
    dx += w;
  }
  const rows = row + 1;
  return { positions, rows, heightPx: rows * LEGEND_ROW_PX };
}

/** Ascent of the label font, px (exported for tests that look for text pixels). */
export function labelAscentPx(c: Canvas): number {
  return textAscent(c, LABEL_PX);
}
