/**
 * One RGBA picture shared by the raster painters (written straight into `data`), the vector
 * primitives below (anti-aliased lines and discs, by distance to the shape) and pureimage's
 * TrueType text. Everything is opaque on white, so the bytes are the same on every machine.
 */
import { PNG } from "pngjs";
import { type Bitmap, type Context, make } from "pureimage";
import { parseCssColor } from "./colormap.js";
import { ensureFonts, font } from "./font.js";

/** An RGB colour, 0..255 per channel. */
export type Rgb = readonly [number, number, number];

/** Colours of the frame (text, rules, background). */
export const INK: Rgb = [34, 34, 34];
export const INK_MUTED: Rgb = [96, 96, 96];
export const WHITE: Rgb = [255, 255, 255];

/** A picture: RGBA bytes, row 0 at the top, plus a pureimage context for text. */
export interface Canvas {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  readonly ctx: Context;
  /** Lines and discs draw only inside this pixel box [x0, x1) × [y0, y1) when set. */
  clip?: { x0: number; y0: number; x1: number; y1: number };
}

/** "#rrggbb" → [r, g, b]. */
export function rgb(css: string): Rgb {
  return parseCssColor(css);
}

/** A white canvas of `width` × `height` px. */
export function createCanvas(width: number, height: number): Canvas {
  ensureFonts();
  // pureimage's constructor fills pixel by pixel; a 1×1 bitmap given our own buffer is instant.
  const bmp: Bitmap = make(1, 1);
  const data = new Uint8Array(width * height * 4).fill(255);
  bmp.width = width;
  bmp.height = height;
  bmp.data = data;
  return { width, height, data, ctx: bmp.getContext("2d") };
}

/** Encode as an 8-bit RGB PNG (fixed zlib settings: same pixels → same bytes). */
export function encodePng(c: Canvas): Buffer {
  const png = new PNG({
    width: c.width,
    height: c.height,
    colorType: 2,
    inputColorType: 6,
    inputHasAlpha: true,
  });
  png.data = Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength);
  // Paeth filtering alone: within 1 % of pngjs's adaptive choice, at half the time.
  return PNG.sync.write(png, { colorType: 2, inputColorType: 6, inputHasAlpha: true, filterType: 4 });
}

/** Blend `color` over pixel (x, y) with coverage `a` (0..1); off-canvas pixels are ignored. */
export function blendPixel(c: Canvas, x: number, y: number, color: Rgb, a: number): void {
  if (x < 0 || y < 0 || x >= c.width || y >= c.height || a <= 0) return;
  const clip = c.clip;
  if (clip && (x < clip.x0 || y < clip.y0 || x >= clip.x1 || y >= clip.y1)) return;
  const d = c.data;
  const i = (y * c.width + x) * 4;
  if (a >= 1) {
    d[i] = color[0];
    d[i + 1] = color[1];
    d[i + 2] = color[2];
    return;
  }
  d[i] = Math.round(d[i] + (color[0] - d[i]) * a);
  d[i + 1] = Math.round(d[i + 1] + (color[1] - d[i + 1]) * a);
  d[i + 2] = Math.round(d[i + 2] + (color[2] - d[i + 2]) * a);
}

/** Fill the pixel rectangle [x, x + w) × [y, y + h) (integers) with `color`. */
export function fillRect(c: Canvas, x: number, y: number, w: number, h: number, color: Rgb): void {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(c.width, Math.round(x + w));
  const y1 = Math.min(c.height, Math.round(y + h));
  const d = c.data;
  for (let j = y0; j < y1; j++) {
    for (let i = (j * c.width + x0) * 4, e = (j * c.width + x1) * 4; i < e; i += 4) {
      d[i] = color[0];
      d[i + 1] = color[1];
      d[i + 2] = color[2];
      d[i + 3] = 255;
    }
  }
}

/** A 1-px rectangle outline just inside [x, x + w) × [y, y + h). */
export function strokeRect(c: Canvas, x: number, y: number, w: number, h: number, color: Rgb): void {
  fillRect(c, x, y, w, 1, color);
  fillRect(c, x, y + h - 1, w, 1, color);
  fillRect(c, x, y, 1, h, color);
  fillRect(c, x + w - 1, y, 1, h, color);
}

/**
 * An anti-aliased straight segment of width `widthPx` (pixel centres at integer + ½):
 * coverage falls off linearly over one pixel at the edge. Only the band around the
 * segment is visited, so long segments cost their length, not their bounding box.
 */
export function strokeSegment(
  c: Canvas,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  color: Rgb,
  widthPx: number,
  opacity = 1,
): void {
  const hw = widthPx / 2;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const reach = hw + 1;
  const steep = Math.abs(dy) > Math.abs(dx);
  // Walk the major axis; across it, visit the pixels within `reach` of the line.
  const u0 = Math.floor((steep ? Math.min(ay, by) : Math.min(ax, bx)) - reach);
  const u1 = Math.ceil((steep ? Math.max(ay, by) : Math.max(ax, bx)) + reach);
  const slope = steep ? (dy === 0 ? 0 : dx / dy) : dx === 0 ? 0 : dy / dx;
  const span = reach * Math.sqrt(1 + slope * slope);
  for (let u = u0; u <= u1; u++) {
    const uc = u + 0.5;
    // Position on the line's minor axis at this major coordinate (clamped to the segment ends).
    const t = steep ? (dy === 0 ? 0 : (uc - ay) / dy) : dx === 0 ? 0 : (uc - ax) / dx;
    const tc = t < 0 ? 0 : Math.min(t, 1);
    const vLine = steep ? ax + dx * tc : ay + dy * tc;
    const v0 = Math.floor(vLine - span);
    const v1 = Math.ceil(vLine + span);
    for (let v = v0; v <= v1; v++) {
      const px = steep ? v + 0.5 : uc;
      const py = steep ? uc : v + 0.5;
      let s = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
      s = s < 0 ? 0 : Math.min(s, 1);
      const ex = px - (ax + s * dx);
      const ey = py - (ay + s * dy);
      const dist = Math.sqrt(ex * ex + ey * ey);
      const a = hw + 0.5 - dist;
      if (a > 0) blendPixel(c, steep ? v : u, steep ? u : v, color, Math.min(a, 1) * opacity);
    }
  }
}

/** Points of a polyline closer than this to the last drawn one are skipped, px. */
const MIN_STEP_PX = 0.5;

/**
 * Stroke a polyline given as flat pixel coordinates `[x0, y0, x1, y1, ...]`; `closed` joins
 * the last point to the first. Points within half a pixel of the previous drawn point are
 * skipped (a full-resolution contour drawn small has many; the line looks the same).
 */
export function strokePolyline(
  c: Canvas,
  pts: ArrayLike<number>,
  closed: boolean,
  color: Rgb,
  widthPx: number,
  opacity = 1,
): void {
  const n = pts.length >> 1;
  if (n < 2) return;
  let px = pts[0];
  let py = pts[1];
  for (let k = 1; k < n; k++) {
    const x = pts[2 * k];
    const y = pts[2 * k + 1];
    const ex = x - px;
    const ey = y - py;
    if (ex * ex + ey * ey < MIN_STEP_PX * MIN_STEP_PX && (k < n - 1 || closed)) continue;
    strokeSegment(c, px, py, x, y, color, widthPx, opacity);
    px = x;
    py = y;
  }
  if (closed && (px !== pts[0] || py !== pts[1]))
    strokeSegment(c, px, py, pts[0], pts[1], color, widthPx, opacity);
}

/** An anti-aliased filled disc centred at (cx, cy) px with radius `rPx`. */
export function fillDisc(c: Canvas, cx: number, cy: number, rPx: number, color: Rgb): void {
  const x0 = Math.floor(cx - rPx - 1);
  const x1 = Math.ceil(cx + rPx + 1);
  const y0 = Math.floor(cy - rPx - 1);
  const y1 = Math.ceil(cy + rPx + 1);
  // Tiny discs keep their area: coverage saturates at the disc's area over one pixel.
  const peak = rPx < 0.5 ? Math.PI * rPx * rPx : 1;
  const rr = Math.max(rPx, 0.5);
  for (let y = y0; y <= y1; y++) {
    const ey = y + 0.5 - cy;
    for (let x = x0; x <= x1; x++) {
      const ex = x + 0.5 - cx;
      const a = rr + 0.5 - Math.sqrt(ex * ex + ey * ey);
      if (a > 0) blendPixel(c, x, y, color, Math.min(a, 1) * peak);
    }
  }
}

/** Fill a triangle (used for the "values clipped" mark on a colorbar). */
export function fillTriangle(
  c: Canvas,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
  color: Rgb,
): void {
  const ctx = c.ctx;
  ctx.fillStyle = css(color);
  ctx.beginPath();
  ctx.moveTo(ax, ay);
  ctx.lineTo(bx, by);
  ctx.lineTo(cx, cy);
  ctx.closePath();
  ctx.fill();
}

/** "#rrggbb" of a colour. */
export function css(color: Rgb): string {
  return `#${((1 << 24) | (color[0] << 16) | (color[1] << 8) | color[2]).toString(16).slice(1)}`;
}

/** Text options: size in px, weight, colour and anchor. */
export interface TextStyle {
  sizePx: number;
  bold?: boolean;
  color?: Rgb;
  /** Horizontal anchor at x. */
  align?: "left" | "center" | "right";
  /** Vertical anchor at y: "top" of the em box, "middle", or the "alphabetic" baseline. */
  baseline?: "top" | "middle" | "alphabetic";
}

/** Advance width of `text` in px (pureimage's measureText on the TrueType metrics). */
export function textWidth(c: Canvas, text: string, sizePx: number, bold = false): number {
  c.ctx.font = font(sizePx, bold);
  return c.ctx.measureText(text).width;
}

/** Ascent of the font above the baseline at `sizePx`, px. */
export function textAscent(c: Canvas, sizePx: number, bold = false): number {
  c.ctx.font = font(sizePx, bold);
  return (c.ctx.measureText("0") as unknown as { emHeightAscent: number }).emHeightAscent;
}

/** Draw `text` with its anchor at (x, y) px; returns its width. */
export function drawText(c: Canvas, text: string, x: number, y: number, style: TextStyle): number {
  const ctx = c.ctx;
  ctx.font = font(style.sizePx, style.bold);
  const m = ctx.measureText(text) as unknown as { width: number; emHeightAscent: number };
  let bx = x;
  if (style.align === "center") bx -= m.width / 2;
  else if (style.align === "right") bx -= m.width;
  let by = y;
  // Cap height of DejaVu is ~0.73 em: centre digits and capitals on y for "middle".
  if (style.baseline === "top") by += m.emHeightAscent;
  else if (style.baseline === "middle") by += 0.365 * style.sizePx;
  ctx.fillStyle = css(style.color ?? INK);
  ctx.textAlign = "left";
  ctx.textBaseline = "alphabetic";
  ctx.fillText(text, Math.round(bx), Math.round(by));
  return m.width;
}
