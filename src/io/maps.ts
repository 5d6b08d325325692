/**
 * Depth and coagulation map files, chosen by extension: `.npy` (float32, numpy) or `.png`
 * (16-bit grayscale with its µm-per-count scale in a text chunk). docs/formats.md has both
 * layouts. The encoders load only when a map is read or written.
 */

import { extname } from "node:path";
import type { Area } from "../area/types.js";
import type { Raster } from "../dose/raster.js";
import type { RowSink } from "../dose/simulate.js";
import { PlanError } from "../errors.js";
import type { ResolvedPlan } from "../plan/schema.js";
import { checkWritable } from "./atomic.js";

/** Check an output map path before any work: `.npy` or `.png`, in a folder that exists. */
export async function checkMapPath(path: string | undefined, flag: string): Promise<void> {
  if (path === undefined) return;
  if (path === "-") checkWritable(path, flag); // refused: a binary output
  const ext = extname(path).toLowerCase();
  if (ext === ".zarr") return (await import("./zarr.js")).checkZarrWritable(path, flag);
  if (ext !== ".npy" && ext !== ".png")
    throw new PlanError(flag, path, "allowed: a file ending in .npy or .png, or a folder ending in .zarr");
  checkWritable(path, flag);
}

/** Write a raster map as .npy, 16-bit .png or OME-Zarr (.zarr) by the path's extension. */
export async function writeMap(path: string, r: Raster, name = "depth"): Promise<void> {
  if (extname(path).toLowerCase() === ".zarr") await (await import("./zarr.js")).writeOmeZarr(path, r, name);
  else if (extname(path).toLowerCase() === ".png") (await import("./png16.js")).writeDepthPng(path, r);
  else (await import("./npy.js")).writeNpy(path, r);
}

/** Read a depth map file (.npy float32/64 or 16-bit .png with umPerCount). */
export async function readMap(
  path: string,
  pixelUm: number,
  originMm: readonly [number, number],
  level = 0,
): Promise<Raster> {
  const ext = extname(path).toLowerCase();
  // An OME-Zarr map carries its own pixel size and origin.
  if (ext === ".zarr") return (await import("./zarr.js")).readOmeZarr(path, level);
  if (ext === ".npy") return (await import("./npy.js")).readNpy(path, pixelUm, originMm);
  if (ext === ".png") return (await import("./png16.js")).readDepthPng(path, pixelUm, originMm).raster;
  throw new PlanError("<depth>", path, "allowed: a .npy, .png or .zarr depth map (from simulate --depth)");
}

/** Map writers fed window by window while the splat runs (see {@link zarrStreams}). */
export interface MapStreams {
  sinks: { depth?: RowSink; coag?: RowSink };
  /** Run the simulation, then close the writers (or remove what they wrote when it fails). */
  finish<T>(run: () => Promise<T>): Promise<T>;
}

/**
 * When every map asked for is a .zarr and no heatmap needs the raster, OME-Zarr writers fed
 * window by window by the splat (the whole raster is never held); otherwise undefined.
 */
export async function zarrStreams(
  paths: { depth?: string; coag?: string; heatmaps: boolean },
  plan: ResolvedPlan,
  area: Area,
): Promise<MapStreams | undefined> {
  const maps = [paths.depth, paths.coag].filter((p): p is string => p !== undefined);
  const isZarr = (p: string) => extname(p).toLowerCase() === ".zarr";
  if (maps.length === 0 || !maps.every(isZarr) || paths.heatmaps) return undefined;
  const [{ OmeZarrWriter }, { rasterSize }] = await Promise.all([
    import("./zarr.js"),
    import("../dose/splat.js"),
  ]);
  const { width, height } = rasterSize(area, plan.raster.pixelUm);
  const info = { width, height, pixelUm: plan.raster.pixelUm, originMm: [area.minX, area.minY] as const };
  const depth = paths.depth ? await OmeZarrWriter.create(paths.depth, { ...info, name: "depth" }) : undefined;
  const coag = paths.coag
    ? await OmeZarrWriter.create(paths.coag, { ...info, name: "coagulation" })
    : undefined;
  const writers = [depth, coag].filter((w) => w !== undefined);
  return {
    sinks: {
      depth: depth ? depth.writeWindow.bind(depth) : undefined,
      coag: coag ? coag.writeWindow.bind(coag) : undefined,
    },
    async finish<T>(run: () => Promise<T>): Promise<T> {
      try {
        const result = await run();
        for (const w of writers) await w.finish();
        return result;
      } catch (e) {
        for (const w of writers) w.abort();
        throw e;
      }
    },
  };
}
