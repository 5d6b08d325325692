/**
 * Heatmap rendering: a 4,000 × 4,000 depth map (40 × 40 mm at 10 µm, 14,000 Gaussian
 * craters on a hex lattice) to a framed heatmap PNG: block max (default), block mean, and with
 * 30/150 µm contours; plus a scan preview of the same spots. `npx tsx bench/render.bench.ts`.
 */
import type { Raster } from "../src/dose/raster.js";
import { renderHeatmap } from "../src/render/heatmap.js";
import { renderPreview } from "../src/render/preview.js";
import { type BenchCase, type Suite, standalone } from "./common.js";

const PIXEL_UM = 10;
const W_UM = 60; // 1/e² radius
const PITCH_UM = 340;
const PEAK_UM = 300;
const FTH_FRACTION = 0.1; // threshold / peak fluence

/** Depth raster of steady-state Gaussian craters on a hex lattice (separable footprint). */
function fractionalRaster(side: number): { raster: Raster; x: Float64Array; y: Float64Array } {
  const data = new Float32Array(side * side);
  const sideUm = side * PIXEL_UM;
  const rowUm = (PITCH_UM * Math.sqrt(3)) / 2;
  const reach = Math.ceil((2 * W_UM) / PIXEL_UM);
  const fx = new Float64Array(2 * reach + 1);
  const fy = new Float64Array(2 * reach + 1);
  const xs: number[] = [];
  const ys: number[] = [];
  const eta = PEAK_UM / (1 - FTH_FRACTION);
  for (let r = 0; (r + 0.5) * rowUm < sideUm; r++) {
    const yc = (r + 0.5) * rowUm;
    for (let i = 0; ; i++) {
      const xc = PITCH_UM * (i + 0.5) + (r & 1 ? PITCH_UM / 2 : 0);
      if (xc >= sideUm) break;
      xs.push(xc / 1000);
      ys.push(yc / 1000);
      const ci = Math.floor(xc / PIXEL_UM);
      const cj = Math.floor(yc / PIXEL_UM);
      for (let k = -reach; k <= reach; k++) {
        const dx = (ci + k + 0.5) * PIXEL_UM - xc;
        const dy = (cj + k + 0.5) * PIXEL_UM - yc;
        fx[k + reach] = Math.exp((-2 * dx * dx) / (W_UM * W_UM));
        fy[k + reach] = Math.exp((-2 * dy * dy) / (W_UM * W_UM));
      }
      for (let b = -reach; b <= reach; b++) {
        const j = cj + b;
        if (j < 0 || j >= side) continue;
        for (let a = -reach; a <= reach; a++) {
          const ii = ci + a;
          if (ii < 0 || ii >= side) continue;
          const d = eta * (fx[a + reach] * fy[b + reach] - FTH_FRACTION);
          if (d > 0) data[j * side + ii] += d;
        }
      }
    }
  }
  return {
    raster: { data, width: side, height: side, pixelUm: PIXEL_UM, originMm: [0, 0] },
    x: Float64Array.from(xs),
    y: Float64Array.from(ys),
  };
}

export const suite: Suite = {
  name: "render",
  cases(quick) {
    const side = quick ? 2000 : 4000;
    const { raster, x, y } = fractionalRaster(side);
    const px = side * side;
    const mm = (side * PIXEL_UM) / 1000;
    const outline = [new Float64Array([0, 0, mm, 0, mm, mm, 0, mm])];
    const n = x.length;
    const tMs = Float64Array.from({ length: n }, (_, k) => k);
    const cases: BenchCase[] = [
      {
        name: `heatmap ${side}×${side} → 1200 px, block max`,
        fn: () => renderHeatmap(raster, { outline, title: "bench" }),
        pixels: px,
      },
      {
        name: `heatmap ${side}×${side} → 1200 px, block mean`,
        fn: () => renderHeatmap(raster, { outline, title: "bench", reduce: "mean" }),
        pixels: px,
      },
      {
        name: `heatmap ${side}×${side} + contours 30,150 µm`,
        fn: () => renderHeatmap(raster, { outline, title: "bench", contoursUm: [30, 150] }),
        pixels: px,
      },
      {
        name: `scan preview, ${n} spots`,
        fn: () =>
          renderPreview(
            { xMm: x, yMm: y, tMs, stamps: [{ centreMm: [mm / 2, mm / 2], originMm: [0, 0] }] },
            { spotUm: 2 * W_UM, fieldMm: [mm, mm], boundsMm: { minX: 0, minY: 0, maxX: mm, maxY: mm } },
          ),
        spots: n,
      },
    ];
    return cases;
  },
};

await standalone(import.meta.url, suite);
