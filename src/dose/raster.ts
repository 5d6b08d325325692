/**
 * A float32 raster over the area's bounding box (docs/formats.md). In memory row 0 is the
 * LOWEST y (pixel (i, j) has its centre at (minX + (i + ½)·pixel, minY + (j + ½)·pixel));
 * every writer (npy, PNG, heatmap) emits rows from the highest y down.
 */
export interface Raster {
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
  /** Pixel size, µm. */
  readonly pixelUm: number;
  /** Lower-left corner of the raster (the area's bounding-box corner), mm. */
  readonly originMm: readonly [number, number];
}
