/** An analytic crater for render tests (closed forms of docs/model.md). */
import type { Raster } from "../../src/dose/raster.js";

/** Steady-state single-pulse Gaussian crater (docs/model.md): depth(r) = η·(F0·exp(−2r²/w²) − Fth), positive part. */
export function gaussianCrater(opts: {
  wUm: number;
  f0: number;
  fth: number;
  eta: number;
  pixelUm: number;
  size: number;
  centreMm: [number, number];
  originMm: [number, number];
}): Raster {
  const { wUm, f0, fth, eta, pixelUm, size, centreMm, originMm } = opts;
  const data = new Float32Array(size * size);
  for (let j = 0; j < size; j++)
    for (let i = 0; i < size; i++) {
      const dx = (originMm[0] + (i + 0.5) * (pixelUm / 1000) - centreMm[0]) * 1000;
      const dy = (originMm[1] + (j + 0.5) * (pixelUm / 1000) - centreMm[1]) * 1000;
      const d = eta * (f0 * Math.exp((-2 * (dx * dx + dy * dy)) / (wUm * wUm)) - fth);
      data[j * size + i] = Math.max(d, 0);
    }
  return { data, width: size, height: size, pixelUm, originMm };
}

/** Closed-form iso-depth radius: r = w·sqrt(ln(F0 / (Fth + depth/η)) / 2), µm. */
export function isoRadiusUm(wUm: number, f0: number, fth: number, eta: number, depthUm: number): number {
  return wUm * Math.sqrt(Math.log(f0 / (fth + depthUm / eta)) / 2);
}
