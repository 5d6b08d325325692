/**
 * A raster made ready for a picture: reduced by blocks to fit (or a full-resolution window),
 * painted through a colour table, placed in the picture with its mm-to-pixel mapping, and the
 * outside of the area shaded. Shared by the heatmap and the scan preview.
 */
import type { Raster } from "../dose/raster.js";
import { type Canvas, fillRect, type Rgb } from "./canvas.js";
import { LUT_SIZE } from "./colormap.js";
import type { Reduce } from "./options.js";

/** Narrowest picture, px (room for the title and legend). */
export const MIN_IMAGE_WIDTH_PX = 640;

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
export function ringSpan(pts: Float64Array): number {
  const [x0, y0, x1, y1] = ringBox(pts);
  return Math.max(x1 - x0, y1 - y0);
}

/** Does a flat mm polyline's box meet the box [x0, x1] × [y0, y1]? */
export function ringMeets(pts: Float64Array, x0: number, y0: number, x1: number, y1: number): boolean {
  const [a, c, b, d] = ringBox(pts);
  return b >= x0 && a <= x1 && d >= y0 && c <= y1;
}
