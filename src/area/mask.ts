/**
 * PNG mask areas (docs/formats.md): a pixel is treated where alpha > 127 and luminance > 127; the
 * image's top row is its highest y. Treated pixels are kept as runs per row, so spans are
 * exact pixel edges and a mask can travel inside a scan file without its PNG.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { PNG } from "pngjs";
import { PlanError } from "../errors.js";
import { checkPng } from "../io/png16.js";
import type { AreaSpec } from "../plan/schema.js";
import type { Area } from "./types.js";

/** A pixel is treated above these 8-bit levels (docs/formats.md). */
const ALPHA_MIN = 127;
const LUMA_MIN = 127;
/** Largest mask we read, pixels (a 20,000² image is 400 M pixels of RGBA: refuse earlier). */
const MAX_MASK_PIXELS = 100_000_000;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Treated runs of a mask: row r (0 = top) holds runs[2k], runs[2k+1] for k in rowStart[r]..rowStart[r+1]. */
export interface MaskRuns {
  widthPx: number;
  heightPx: number;
  rowStart: Int32Array;
  runs: Int32Array;
}

/** Decode a PNG file into treated-pixel runs; every failure is a PlanError on `field`. */
export function readMaskPng(path: string, field = "area.path"): MaskRuns {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PlanError(
      field,
      path,
      code === "ENOENT" ? "the file does not exist" : `the file cannot be read (${code})`,
    );
  }
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b))
    throw new PlanError(field, path, "allowed: a PNG image (the file does not start with the PNG signature)");
  // The whole structure (chunk bounds, CRCs, size, complete image data, filter types) is
  // checked first: pngjs would decode a truncated file from uninitialised memory.
  checkPng(bytes, field, path, MAX_MASK_PIXELS);
  let png: PNG;
  try {
    // pngjs is loaded only when a mask is read (≈ 20 ms of start-up for every other area).
    const { PNG: Png } = createRequire(import.meta.url)("pngjs") as typeof import("pngjs");
    png = Png.sync.read(bytes);
  } catch (e) {
    if (e instanceof PlanError) throw e;
    throw new PlanError(field, path, `not a readable PNG (${(e as Error).message})`);
  }
  return maskRunsFromRgba(png.data, png.width, png.height);
}

/** Treated runs from 8-bit RGBA pixels (rows top-down). */
export function maskRunsFromRgba(data: Uint8Array, width: number, height: number): MaskRuns {
  const rowStart = new Int32Array(height + 1);
  let runs = new Int32Array(64);
  let n = 0;
  for (let r = 0; r < height; r++) {
    rowStart[r] = n >> 1;
    let open = -1;
    const base = r * width * 4;
    for (let c = 0; c <= width; c++) {
      let on = false;
      if (c < width) {
        const p = base + 4 * c;
        const luma = 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
        on = data[p + 3] > ALPHA_MIN && luma > LUMA_MIN;
      }
      if (on && open < 0) open = c;
      else if (!on && open >= 0) {
        if (n + 2 > runs.length) {
          const grown = new Int32Array(runs.length * 2);
          grown.set(runs);
          runs = grown;
        }
        runs[n++] = open;
        runs[n++] = c;
        open = -1;
      }
    }
  }
  rowStart[height] = n >> 1;
  return { widthPx: width, heightPx: height, rowStart, runs: runs.slice(0, n) };
}

/** Runs from the flat `[row, c0, c1, ...]` triples a scan file carries. */
export function maskRunsFromTriples(widthPx: number, heightPx: number, triples: readonly number[]): MaskRuns {
  if (triples.length % 3 !== 0)
    throw new PlanError("area.runs", triples.length, "allowed: [row, c0, c1] triples");
  if (widthPx * heightPx > MAX_MASK_PIXELS)
    throw new PlanError(
      "area.widthPx",
      `${widthPx} × ${heightPx}`,
      `allowed: a mask of at most ${MAX_MASK_PIXELS} pixels (area.widthPx × area.heightPx)`,
    );
  let prevC1 = 0;
  const rowStart = new Int32Array(heightPx + 1);
  const runs = new Int32Array((triples.length / 3) * 2);
  let prevRow = -1;
  for (let k = 0; k < triples.length; k += 3) {
    const [r, c0, c1] = [triples[k], triples[k + 1], triples[k + 2]];
    if (r < prevRow || r >= heightPx || c0 >= c1 || c1 > widthPx)
      throw new PlanError(
        `area.runs[${k}]`,
        [r, c0, c1],
        `allowed: rows ascending below ${heightPx}, 0 ≤ c0 < c1 ≤ ${widthPx}`,
      );
    // Runs of a row must be sorted and apart: an overlap would treat (and fire) pixels twice.
    if (r === prevRow && c0 < prevC1)
      throw new PlanError(
        `area.runs[${k}]`,
        [r, c0, c1],
        `allowed: runs of a row in order, not overlapping (the previous run of row ${r} ends at ${prevC1})`,
      );
    prevRow = r;
    prevC1 = c1;
    runs[(2 * k) / 3] = c0;
    runs[(2 * k) / 3 + 1] = c1;
    rowStart[r + 1]++;
  }
  for (let r = 0; r < heightPx; r++) rowStart[r + 1] += rowStart[r];
  return { widthPx, heightPx, rowStart, runs };
}

/** A mask area: pixel (c, r) covers x ∈ [ox + c·p, ox + (c+1)·p), y ∈ [oy + (H−1−r)·p, oy + (H−r)·p). */
export class MaskArea implements Area {
  readonly shape = "mask" as const;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  readonly areaMm2: number;
  readonly maxSpanValues: number;
  readonly outlineClosed = false;

  constructor(
    private readonly m: MaskRuns,
    readonly pixelMm: number,
    originMm: readonly [number, number] = [0, 0],
    field = "area.path",
  ) {
    this.minX = originMm[0];
    this.minY = originMm[1];
    this.maxX = originMm[0] + m.widthPx * pixelMm;
    this.maxY = originMm[1] + m.heightPx * pixelMm;
    let treated = 0;
    let most = 0;
    for (let r = 0; r < m.heightPx; r++) {
      most = Math.max(most, m.rowStart[r + 1] - m.rowStart[r]);
      for (let k = m.rowStart[r]; k < m.rowStart[r + 1]; k++) treated += m.runs[2 * k + 1] - m.runs[2 * k];
    }
    if (treated === 0)
      throw new PlanError(
        field,
        "empty mask",
        "the mask has no treated pixel (allowed: alpha > 127 and luminance > 127)",
      );
    this.areaMm2 = treated * pixelMm * pixelMm;
    this.maxSpanValues = 2 * most;
  }

  private rowAt(y: number): number {
    if (y < this.minY || y >= this.maxY) return -1;
    const r = this.m.heightPx - 1 - Math.floor((y - this.minY) / this.pixelMm);
    return Math.max(r, 0);
  }

  contains(x: number, y: number): boolean {
    const r = this.rowAt(y);
    if (r < 0 || x < this.minX) return false;
    const c = Math.floor((x - this.minX) / this.pixelMm);
    const { rowStart, runs } = this.m;
    for (let k = rowStart[r]; k < rowStart[r + 1]; k++)
      if (c >= runs[2 * k] && c < runs[2 * k + 1]) return true;
    return false;
  }

  spans(y: number, out: Float64Array): number {
    const r = this.rowAt(y);
    if (r < 0) return 0;
    const { rowStart, runs } = this.m;
    let n = 0;
    for (let k = rowStart[r]; k < rowStart[r + 1]; k++) {
      out[n++] = this.minX + runs[2 * k] * this.pixelMm;
      out[n++] = this.minX + runs[2 * k + 1] * this.pixelMm;
    }
    return n;
  }

  /** Pixel-edge boundary segments: vertical run ends and horizontal edges between rows. */
  outline(): Float64Array[] {
    const { widthPx: W, heightPx: H, rowStart, runs } = this.m;
    const p = this.pixelMm;
    const segs: Float64Array[] = [];
    const above = new Uint8Array(W);
    const below = new Uint8Array(W);
    const fill = (row: number, buf: Uint8Array) => {
      buf.fill(0);
      if (row < 0 || row >= H) return;
      for (let k = rowStart[row]; k < rowStart[row + 1]; k++) buf.fill(1, runs[2 * k], runs[2 * k + 1]);
    };
    for (let r = 0; r < H; r++) {
      const yTop = this.maxY - r * p;
      for (let k = rowStart[r]; k < rowStart[r + 1]; k++) {
        for (const c of [runs[2 * k], runs[2 * k + 1]]) {
          const x = this.minX + c * p;
          segs.push(Float64Array.of(x, yTop - p, x, yTop));
        }
      }
    }
    // Horizontal edges at the top of each row r (between rows r-1 and r), and the bottom of the last.
    for (let r = 0; r <= H; r++) {
      fill(r - 1, above);
      fill(r, below);
      const y = this.maxY - r * p;
      let start = -1;
      for (let c = 0; c <= W; c++) {
        const edge = c < W && above[c] !== below[c];
        if (edge && start < 0) start = c;
        else if (!edge && start >= 0) {
          segs.push(Float64Array.of(this.minX + start * p, y, this.minX + c * p, y));
          start = -1;
        }
      }
    }
    return segs;
  }

  toSpec(): AreaSpec {
    const { heightPx, rowStart, runs } = this.m;
    const triples: number[] = [];
    for (let r = 0; r < heightPx; r++)
      for (let k = rowStart[r]; k < rowStart[r + 1]; k++) triples.push(r, runs[2 * k], runs[2 * k + 1]);
    return {
      shape: "mask",
      pixelMm: this.pixelMm,
      originMm: [this.minX, this.minY],
      widthPx: this.m.widthPx,
      heightPx: this.m.heightPx,
      runs: triples,
    };
  }
}
