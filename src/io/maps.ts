/**
 * Depth and coagulation map files, chosen by extension: `.npy` (float32, numpy) or `.png`
 * (16-bit grayscale with its µm-per-count scale in a text chunk). docs/formats.md has both
 * layouts. The encoders load only when a map is read or written.
 */
import { extname } from "node:path";
import type { Raster } from "../dose/raster.js";
import { PlanError } from "../errors.js";
import { checkWritable } from "./atomic.js";

/** Check an output map path before any work: `.npy` or `.png`, in a folder that exists. */
export function checkMapPath(path: string | undefined, flag: string): void {
  if (path === undefined) return;
  const ext = extname(path).toLowerCase();
  if (ext !== ".npy" && ext !== ".png")
    throw new PlanError(flag, path, "allowed: a file ending in .npy or .png");
  checkWritable(path, flag);
}

/** Write a raster map as .npy or 16-bit .png by the file's extension. */
export async function writeMap(path: string, r: Raster): Promise<void> {
  if (extname(path).toLowerCase() === ".png") (await import("./png16.js")).writeDepthPng(path, r);
  else (await import("./npy.js")).writeNpy(path, r);
}

/** Read a depth map file (.npy float32/64 or 16-bit .png with umPerCount). */
export async function readMap(
  path: string,
  pixelUm: number,
  originMm: readonly [number, number],
): Promise<Raster> {
  const ext = extname(path).toLowerCase();
  if (ext === ".npy") return (await import("./npy.js")).readNpy(path, pixelUm, originMm);
  if (ext === ".png") return (await import("./png16.js")).readDepthPng(path, pixelUm, originMm).raster;
  throw new PlanError("<depth>", path, "allowed: a .npy or .png depth map (from simulate --depth)");
}
