import type { AreaSpec } from "../plan/schema.js";

/**
 * A treatment area (docs/formats.md) in mm, y up. Inside tests follow the even-odd rule and agree
 * with `spans` everywhere but on the boundary itself (a spot centred exactly on an edge may
 * count either way; lattices place none there).
 */
export interface Area {
  readonly shape: AreaSpec["shape"];
  /** Bounding box, mm. Rasters cover exactly this box (docs/formats.md). */
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  /** Treated area, mm². */
  readonly areaMm2: number;
  /** Most values `spans` can write for one y (size the `out` buffer with it). */
  readonly maxSpanValues: number;
  /** Is the point (mm) inside the area? */
  contains(xMm: number, yMm: number): boolean;
  /**
   * Writes the inside intervals at height `yMm` into `out` as sorted pairs
   * `[x0, x1, x2, x3, ...]` (inside = x0 ≤ x < x1, ...) and returns how many values it wrote.
   */
  spans(yMm: number, out: Float64Array): number;
  /** The boundary as polylines `[x0, y0, x1, y1, ...]` (mm), closed rings repeat no point. */
  outline(): Float64Array[];
  /** True when `outline()` polylines are closed rings (false: open segments, e.g. a mask's pixel edges). */
  readonly outlineClosed: boolean;
  /** A self-contained description (no file paths): a scan file carries it. */
  toSpec(): AreaSpec;
}
