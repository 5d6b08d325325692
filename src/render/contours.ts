/**
 * Iso-depth contours (`--contours 30,150`): d3-contour's marching squares with linear
 * interpolation, run on the full-resolution raster (not the reduced picture) so a line sits
 * within a fraction of a raster pixel of the true iso-depth, then turned into mm.
 */
import { contours as d3Contours } from "d3-contour";
import type { Raster } from "../dose/raster.js";

export { MAX_CONTOUR_LEVELS, parseContourLevels } from "./options.js";

/** The rings of one contour level, each ring a flat closed polyline `[x0, y0, x1, y1, ...]` in mm. */
export interface ContourLevel {
  depthUm: number;
  rings: Float64Array[];
}

/**
 * Iso-lines of `raster` at each depth in `levelsUm` (µm), as closed rings in mm. The value of
 * pixel (i, j) is taken at its centre (minX + (i + ½)·pixel, minY + (j + ½)·pixel), and lines
 * are interpolated linearly between centres (d3-contour's grid: pixel i spans [i, i + 1]).
 * Craters cut by the raster edge are closed along the edge.
 */
export function isoContours(
  raster: Raster,
  levelsUm: readonly number[],
  onLevel?: (levelsDone: number) => void,
): ContourLevel[] {
  const { width, height, data } = raster;
  const pixMm = raster.pixelUm / 1000;
  const [ox, oy] = raster.originMm;
  const gen = d3Contours().size([width, height]).smooth(true);
  const out: ContourLevel[] = [];
  for (const depthUm of levelsUm) {
    // d3-contour only reads values[i]; a Float32Array serves as well as number[].
    const mp = gen.contour(data as unknown as number[], depthUm);
    const rings: Float64Array[] = [];
    for (const polygon of mp.coordinates) {
      for (const ring of polygon) {
        // d3 repeats the first point at the end; drop it (the ring is closed by definition).
        const n = ring.length > 1 ? ring.length - 1 : ring.length;
        const pts = new Float64Array(2 * n);
        for (let k = 0; k < n; k++) {
          pts[2 * k] = ox + ring[k][0] * pixMm;
          pts[2 * k + 1] = oy + ring[k][1] * pixMm;
        }
        rings.push(pts);
      }
    }
    out.push({ depthUm, rings });
    onLevel?.(out.length);
  }
  return out;
}
