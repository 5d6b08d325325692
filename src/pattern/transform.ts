/**
 * The lattice transform (docs/formats.md): rotate by `rotationDeg` about the area's bounding-box
 * centre, then shift by `offsetMm`, as one gl-matrix mat2d applied in place.
 */
import { createRequire } from "node:module";
import type { mat2d as Mat2d } from "gl-matrix";
import type { Area } from "../area/types.js";

// Only gl-matrix's mat2d module: the package index loads every type (≈ 8 ms more at start-up).
const mat2d = createRequire(import.meta.url)("gl-matrix/cjs/mat2d.js") as typeof import("gl-matrix").mat2d;

/** mat2d taking lattice-frame points (mm) to the treatment plane. */
export function latticeTransform(
  area: Area,
  rotationDeg: number,
  offsetMm: readonly [number, number],
): Mat2d {
  const cx = (area.minX + area.maxX) / 2;
  const cy = (area.minY + area.maxY) / 2;
  // Float64 storage: gl-matrix's default Float32Array would cost µm at 100 mm.
  const m = mat2d.identity(new Float64Array(6) as unknown as Mat2d);
  mat2d.translate(m, m, [offsetMm[0] + cx, offsetMm[1] + cy]);
  mat2d.rotate(m, m, (rotationDeg * Math.PI) / 180);
  mat2d.translate(m, m, [-cx, -cy]);
  return m;
}

/** True when `m` only translates (no rotation): lattices can then be built from spans. */
export function isTranslation(m: Mat2d): boolean {
  return m[0] === 1 && m[1] === 0 && m[2] === 0 && m[3] === 1;
}
