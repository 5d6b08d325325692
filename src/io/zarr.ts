/**
 * Depth and coagulation maps as OME-Zarr (Zarr v3, OME-NGFF 0.5) image pyramids, for napari,
 * Python (zarr, ome-zarr) and other viewers. See docs/exports.md.
 *
 * - One group `f.zarr` with `ome.multiscales`: axes `y`, `x` (space, micrometer), datasets
 *   `0`, `1`, `2`, ... Level 0 is the map itself; level k is the 2 × 2 block MEAN of level k − 1
 *   (blocks cut by the map's edge average the pixels they have), down to the first level whose
 *   longer side is at most {@link PYRAMID_MIN_PX} pixels. Each level's scale is its pixel size in
 *   µm, with the half-pixel translation that keeps the levels aligned.
 * - Arrays: float32 µm, shape (rows, columns), rows from the highest y down (as the .npy),
 *   chunks {@link CHUNK_PX} × {@link CHUNK_PX}, codecs `bytes` (little endian) then `gzip`.
 * - `attributes.laserscan` gives what OME-NGFF has no words for: the map's lower-left corner
 *   in scan coordinates (mm, y up), the pixel size and what the values are.
 *
 * Written with zarrita (metadata, chunk keys, chunking) row band by row band: {@link OmeZarrWriter}
 * takes rows top first and holds one chunk-row band per level, never the whole pyramid. The
 * folder is built beside its target and renamed into place, so no half-written .zarr is left.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import FileSystemStore from "@zarrita/storage/fs";
import * as zarr from "zarrita";
import type { Raster } from "../dose/raster.js";
import { PlanError } from "../errors.js";
import { claimOutput, noteInput } from "./atomic.js";

/** Chunk side, pixels. */
export const CHUNK_PX = 1024;
/** Reduced levels are added until the longer side is at most this, pixels. */
export const PYRAMID_MIN_PX = 1024;
/** gzip level of the chunks (1: fast; depth maps are mostly zeros and compress well anyway). */
export const GZIP_LEVEL = 1;

/** zarrita reads gzip but does not write it: this codec does both with node:zlib. */
class NodeGzipCodec {
  readonly kind = "bytes_to_bytes";
  private readonly level: number;
  constructor(level: number) {
    this.level = level;
  }
  static fromConfig(config: unknown): NodeGzipCodec {
    const level = (config as { level?: number } | undefined)?.level;
    return new NodeGzipCodec(typeof level === "number" ? level : GZIP_LEVEL);
  }
  encode(bytes: Uint8Array): Uint8Array {
    return gzipSync(bytes, { level: this.level });
  }
  decode(bytes: Uint8Array): Uint8Array {
    return gunzipSync(bytes);
  }
}
(zarr.registry as Map<string, unknown>).set("gzip", () => NodeGzipCodec);

/** Sizes of the levels of a map of `width` × `height`: level 0 first. */
export function pyramidShapes(width: number, height: number): { width: number; height: number }[] {
  const out = [{ width, height }];
  let w = width;
  let h = height;
  while (Math.max(w, h) > PYRAMID_MIN_PX) {
    w = Math.ceil(w / 2);
    h = Math.ceil(h / 2);
    out.push({ width: w, height: h });
  }
  return out;
}

/**
 * Check that a .zarr folder can be written at `path`: its parent folder exists, and whatever is
 * there now is a Zarr folder (it is replaced) or nothing.
 */
export function checkZarrWritable(path: string, flag: string): void {
  const target = resolve(path);
  const dir = dirname(target);
  if (!existsSync(dir)) throw new PlanError(flag, path, `the folder ${dir} does not exist; create it first`);
  if (existsSync(target) && (!statSync(target).isDirectory() || !existsSync(join(target, "zarr.json"))))
    throw new PlanError(
      flag,
      path,
      "it exists and is not a Zarr folder; allowed: a new path or an old .zarr",
    );
  claimOutput(path, flag);
}

const pendingDirs = new Set<string>();
let exitHookInstalled = false;
function removePendingDirs(): void {
  for (const d of pendingDirs) rmSync(d, { recursive: true, force: true });
  pendingDirs.clear();
}

/** Metadata of one map (what it is, where it lies). */
export interface ZarrMapInfo {
  /** Name of the image (e.g. "depth", "coagulation"). */
  name: string;
  width: number;
  height: number;
  pixelUm: number;
  /** Lower-left corner of the map in scan coordinates, mm. */
  originMm: readonly [number, number];
}

interface Level {
  arr: zarr.Array<"float32", FileSystemStore>;
  width: number;
  height: number;
  /** One chunk-row band: CHUNK_PX rows (fewer at the bottom). */
  band: Float32Array;
  /** File row of the band's first row. */
  bandRow: number;
  /** Rows in the band so far. */
  rows: number;
  /** A row of this level waiting for its pair, to make a row of the next level. */
  pending: Float64Array;
  hasPending: boolean;
  /** The next level's row being made. */
  down: Float32Array;
}

/**
 * Writes a map to an OME-Zarr folder from rows given top (highest y) first, in any bands:
 * `await writeRows(rows, n)` as many times as needed, then `await finish()`. Holds one
 * chunk-row band per level (≈ 2 × 1024 × width × 4 bytes in all). `abort()` removes the
 * unfinished folder.
 */
export class OmeZarrWriter {
  private readonly target: string;
  private readonly tmp: string;
  private readonly info: ZarrMapInfo;
  private levels: Level[] = [];
  private rowsIn = 0;

  private constructor(path: string, info: ZarrMapInfo) {
    this.target = resolve(path);
    this.tmp = join(dirname(this.target), `.${basename(this.target)}.${process.pid}.tmp`);
    this.info = info;
  }

  /** Start writing `info`'s map to `path` (a folder ending in .zarr). */
  static async create(path: string, info: ZarrMapInfo): Promise<OmeZarrWriter> {
    const w = new OmeZarrWriter(path, info);
    await w.open();
    return w;
  }

  private async open(): Promise<void> {
    if (!exitHookInstalled) {
      // As src/io/atomic.ts does for files: an interrupted run removes its unfinished folder.
      exitHookInstalled = true;
      process.on("exit", removePendingDirs);
      for (const [signal, code] of [
        ["SIGINT", 130],
        ["SIGTERM", 143],
      ] as const)
        process.on(signal, () => {
          removePendingDirs();
          process.exit(code);
        });
    }
    rmSync(this.tmp, { recursive: true, force: true });
    pendingDirs.add(this.tmp);
    mkdirSync(this.tmp);
    const store = new FileSystemStore(this.tmp);
    const root = zarr.root(store);
    const { name, pixelUm, width, height, originMm } = this.info;
    const shapes = pyramidShapes(width, height);
    const datasets = shapes.map((_, k) => {
      const f = 2 ** k;
      const t = ((f - 1) / 2) * pixelUm;
      return {
        path: String(k),
        coordinateTransformations:
          k === 0
            ? [{ type: "scale", scale: [pixelUm, pixelUm] }]
            : [
                { type: "scale", scale: [pixelUm * f, pixelUm * f] },
                { type: "translation", translation: [t, t] },
              ],
      };
    });
    await zarr.create(root, {
      attributes: {
        ome: {
          version: "0.5",
          multiscales: [
            {
              name,
              axes: [
                { name: "y", type: "space", unit: "micrometer" },
                { name: "x", type: "space", unit: "micrometer" },
              ],
              datasets,
              type: "mean",
              metadata: { description: "each level is the 2 x 2 block mean of the one before" },
            },
          ],
        },
        laserscan: {
          map: name,
          values: "float32, micrometres of depth",
          pixelUm,
          originMm: [originMm[0], originMm[1]],
          rows: "row 0 is the highest y (the top of the area); columns go with x",
          lowerLeftCornerMm:
            "originMm: the lower-left corner of the bottom-left pixel, scan coordinates (y up)",
        },
      },
    });
    for (const [k, s] of shapes.entries()) {
      const arr = await zarr.create(root.resolve(String(k)), {
        shape: [s.height, s.width],
        chunkShape: [Math.min(CHUNK_PX, s.height), Math.min(CHUNK_PX, s.width)],
        dtype: "float32",
        fillValue: 0,
        dimensionNames: ["y", "x"],
        codecs: [
          { name: "bytes", configuration: { endian: "little" } },
          { name: "gzip", configuration: { level: GZIP_LEVEL } },
        ],
      });
      const next = shapes[k + 1];
      this.levels.push({
        arr,
        width: s.width,
        height: s.height,
        band: new Float32Array(Math.min(CHUNK_PX, s.height) * s.width),
        bandRow: 0,
        rows: 0,
        pending: new Float64Array(s.width),
        hasPending: false,
        down: new Float32Array(next ? next.width : 0),
      });
    }
  }

  /** Take `n` rows (top first, each `width` values) from `rows`. */
  async writeRows(rows: Float32Array, n: number): Promise<void> {
    const w = this.info.width;
    if (this.rowsIn + n > this.info.height) throw new Error("OmeZarrWriter: more rows than the map has");
    for (let r = 0; r < n; r++) await this.pushRow(0, rows.subarray(r * w, (r + 1) * w));
    this.rowsIn += n;
  }

  /**
   * A band sink (see `sink` in src/dose/splat.ts): takes windows of `nRows` rows in memory
   * order (row 0 = map row `row0`, the lowest y), the top window first, and writes them top first.
   */
  async writeWindow(rows: Float32Array, row0: number, nRows: number): Promise<void> {
    const w = this.info.width;
    if (row0 + nRows !== this.info.height - this.rowsIn)
      throw new Error(`OmeZarrWriter: window of rows ${row0}..${row0 + nRows} out of order`);
    for (let j = nRows - 1; j >= 0; j--) await this.writeRows(rows.subarray(j * w, (j + 1) * w), 1);
  }

  /** Write the last bands and metadata and move the folder into place. */
  async finish(): Promise<void> {
    if (this.rowsIn !== this.info.height)
      throw new Error(`OmeZarrWriter: ${this.rowsIn} rows of ${this.info.height} given`);
    const target = this.target;
    if (existsSync(target)) {
      // Replace an old .zarr: move it aside, move the new one in, then delete the old one.
      const old = `${this.tmp}.old`;
      renameSync(target, old);
      renameSync(this.tmp, target);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(this.tmp, target);
    pendingDirs.delete(this.tmp);
  }

  /** Remove the unfinished folder. */
  abort(): void {
    rmSync(this.tmp, { recursive: true, force: true });
    pendingDirs.delete(this.tmp);
  }

  private async pushRow(k: number, row: Float32Array): Promise<void> {
    const L = this.levels[k];
    L.band.set(row, L.rows * L.width);
    L.rows++;
    const fileRow = L.bandRow + L.rows;
    if (L.rows * L.width === L.band.length || fileRow === L.height) await this.flush(L);
    if (k + 1 >= this.levels.length) return;
    if (!L.hasPending) {
      for (let i = 0; i < L.width; i++) L.pending[i] = row[i];
      L.hasPending = true;
      if (fileRow === L.height) await this.pushDown(k, null);
    } else await this.pushDown(k, row);
  }

  /** Make a row of level k + 1 from the pending row and `row` (null: the pending row alone). */
  private async pushDown(k: number, row: Float32Array | null): Promise<void> {
    const L = this.levels[k];
    const out = L.down;
    const p = L.pending;
    const w = L.width;
    for (let i = 0; i < out.length; i++) {
      const a = 2 * i;
      const b = a + 1 < w;
      let sum = p[a];
      let count = 1;
      if (b) {
        sum += p[a + 1];
        count++;
      }
      if (row) {
        sum += row[a];
        count++;
        if (b) {
          sum += row[a + 1];
          count++;
        }
      }
      out[i] = sum / count;
    }
    L.hasPending = false;
    await this.pushRow(k + 1, out);
  }

  private async flush(L: Level): Promise<void> {
    const value = {
      data: L.rows * L.width === L.band.length ? L.band : L.band.subarray(0, L.rows * L.width),
      stride: [L.width, 1],
    };
    // One chunk at a time (zarrita would encode a whole row of chunks at once: a 40,000 px wide
    // map holds 40 chunks of 4 MB and their gzip buffers in memory together).
    for (let c0 = 0; c0 < L.width; c0 += CHUNK_PX) {
      const c1 = Math.min(L.width, c0 + CHUNK_PX);
      // The band's columns c0..c1 as a strided view (rows `width` apart).
      await zarr.set(L.arr, [zarr.slice(L.bandRow, L.bandRow + L.rows), zarr.slice(c0, c1)], {
        data: value.data.subarray(c0),
        shape: [L.rows, c1 - c0],
        stride: value.stride,
      });
    }
    L.bandRow += L.rows;
    L.rows = 0;
  }
}

/** Write a whole raster (row 0 = lowest y) as an OME-Zarr pyramid at `path`. */
export async function writeOmeZarr(path: string, r: Raster, name = "depth"): Promise<void> {
  const writer = await OmeZarrWriter.create(path, {
    name,
    width: r.width,
    height: r.height,
    pixelUm: r.pixelUm,
    originMm: r.originMm,
  });
  try {
    const rowsPerBand = Math.max(1, Math.floor(CHUNK_PX));
    const band = new Float32Array(rowsPerBand * r.width);
    for (let top = 0; top < r.height; top += rowsPerBand) {
      const n = Math.min(rowsPerBand, r.height - top);
      for (let q = 0; q < n; q++) {
        const j = r.height - 1 - (top + q); // memory row of file row top + q
        band.set(r.data.subarray(j * r.width, (j + 1) * r.width), q * r.width);
      }
      await writer.writeRows(band, n);
    }
    await writer.finish();
  } catch (e) {
    writer.abort();
    throw e;
  }
}

/** Levels of an OME-Zarr map and its laserscan attributes. */
export interface OmeZarrInfo {
  levels: { path: string; width: number; height: number; pixelUm: number }[];
  originMm: [number, number];
}

async function openGroup(path: string) {
  if (!existsSync(join(path, "zarr.json")))
    throw new PlanError("zarr", path, "allowed: an OME-Zarr folder written by laserscan (zarr.json missing)");
  const store = new FileSystemStore(resolve(path));
  const group = await zarr.open(zarr.root(store), { kind: "group" });
  const ome = (group.attrs as { ome?: { multiscales?: { datasets?: { path: string }[] }[] } }).ome;
  const datasets = ome?.multiscales?.[0]?.datasets;
  if (!datasets?.length)
    throw new PlanError("zarr", path, "allowed: an OME-Zarr image (attributes.ome.multiscales missing)");
  return { store, group, datasets };
}

/** The levels of an OME-Zarr map (sizes and pixel sizes). */
export async function omeZarrInfo(path: string): Promise<OmeZarrInfo> {
  const { group, datasets } = await openGroup(path);
  const ls = (group.attrs as { laserscan?: { originMm?: [number, number] } }).laserscan;
  const levels = [];
  for (const d of datasets) {
    const arr = await zarr.open(group.resolve(d.path), { kind: "array" });
    const ct = (d as { coordinateTransformations?: { type: string; scale?: number[] }[] })
      .coordinateTransformations;
    const scale = ct?.find((t) => t.type === "scale")?.scale?.[1] ?? 1;
    levels.push({ path: d.path, width: arr.shape[1], height: arr.shape[0], pixelUm: scale });
  }
  return { levels, originMm: ls?.originMm ?? [0, 0] };
}

/**
 * Read one level of an OME-Zarr map into a {@link Raster} (row 0 = lowest y). `level` counts
 * from 0 (the full map).
 */
export async function readOmeZarr(path: string, level = 0): Promise<Raster> {
  noteInput(path, "<depth>");
  const info = await omeZarrInfo(path);
  const L = info.levels[level];
  if (!Number.isInteger(level) || !L)
    throw new PlanError("--level", level, `allowed: 0 to ${info.levels.length - 1} for ${path}`);
  const { group } = await openGroup(path);
  const arr = await zarr.open(group.resolve(L.path), { kind: "array" });
  if (!arr.is("float32") || arr.shape.length !== 2)
    throw new PlanError("zarr", path, "allowed: a 2-D float32 OME-Zarr image");
  const chunk = await zarr.get(arr, null);
  const src = chunk.data as Float32Array;
  const { width, height } = L;
  const data = new Float32Array(width * height);
  for (let j = 0; j < height; j++) {
    const s = (height - 1 - j) * width; // file row 0 is the highest y
    data.set(src.subarray(s, s + width), j * width);
  }
  return { data, width, height, pixelUm: L.pixelUm, originMm: info.originMm };
}
