import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import type { Raster } from "../../src/dose/raster.js";
import { PlanError } from "../../src/errors.js";
import { colorbarTicks, LABEL_PX } from "../../src/render/annotate.js";
import { createCanvas, rgb, textWidth } from "../../src/render/canvas.js";
import { colormapLut } from "../../src/render/colormap.js";
import { reduceRaster, renderHeatmap, renderHeatmapWithLayout } from "../../src/render/heatmap.js";
import { gaussianCrater, isoRadiusUm } from "./crater.js";

function raster(width: number, height: number, f: (i: number, j: number) => number, pixelUm = 10): Raster {
  const data = new Float32Array(width * height);
  for (let j = 0; j < height; j++) for (let i = 0; i < width; i++) data[j * width + i] = f(i, j);
  return { data, width, height, pixelUm, originMm: [1, 2] };
}

function pixel(png: PNG, x: number, y: number): number[] {
  const k = (Math.floor(y) * png.width + Math.floor(x)) * 4;
  return [png.data[k], png.data[k + 1], png.data[k + 2]];
}

const lutAt = (lut: Uint8Array, k: number) => [lut[4 * k], lut[4 * k + 1], lut[4 * k + 2]];

describe("reduceRaster", () => {
  // 4 × 4, value = 10·row + col; row 0 is the lowest y.
  const r = raster(4, 4, (i, j) => 10 * j + i);
  it("flips rows so the first display row is the highest y", () => {
    const m = reduceRaster(r, 1, "max");
    expect(Array.from(m.values.slice(0, 4))).toEqual([30, 31, 32, 33]);
    expect(Array.from(m.values.slice(12, 16))).toEqual([0, 1, 2, 3]);
  });
  it("takes the max or the mean of each block", () => {
    // Top-left display block = rows 3, 2 × cols 0, 1 = {30, 31, 20, 21}.
    expect(Array.from(reduceRaster(r, 2, "max").values)).toEqual([31, 33, 11, 13]);
    expect(Array.from(reduceRaster(r, 2, "mean").values)).toEqual([25.5, 27.5, 5.5, 7.5]);
  });
  it("reduces by a factor that is not whole (columns 0–2 | 3–4 for 2.5)", () => {
    const row = raster(5, 1, (i) => i + 1);
    const max = reduceRaster(row, 2.5, "max");
    expect(max.width).toBe(2);
    expect(Array.from(max.values)).toEqual([3, 5]);
    expect(Array.from(reduceRaster(row, 2.5, "mean").values)).toEqual([2, 4.5]);
  });
  it("edge blocks average only the pixels they hold", () => {
    const m = reduceRaster(
      raster(3, 3, () => 6),
      2,
      "mean",
    );
    expect(m.width).toBe(2);
    expect(Array.from(m.values)).toEqual([6, 6, 6, 6]);
  });
  it("treats NaN and negatives as 0", () => {
    const m = reduceRaster(
      raster(2, 1, (i) => (i ? Number.NaN : -3)),
      1,
      "max",
    );
    expect(Array.from(m.values)).toEqual([0, 0]);
    expect(m.rasterMax).toBe(0);
  });
});

describe("renderHeatmap", () => {
  // Value grows with y (row index), plus one hot pixel in the top row: top of the image = high y.
  const W = 90;
  const H = 60;
  const hot = raster(W, H, (i, j) => (j === H - 1 && i === 5 ? 100 : j));
  const lut = colormapLut("viridis");

  it("decodes with pngjs and has the laid-out size", () => {
    const { png, layout } = renderHeatmapWithLayout(hot, {});
    const img = PNG.sync.read(png);
    expect(img.width).toBe(layout.width);
    expect(img.height).toBe(layout.height);
    expect(layout.factor).toBe(1);
    expect(layout.upscale).toBe(5); // 480 px / 90 px, whole factor
  });

  it("draws the max pixel in the top colour, depth 0 in the first, high y at the top", () => {
    const { png, layout } = renderHeatmapWithLayout(hot, {});
    const img = PNG.sync.read(png);
    const { map, upscale } = layout;
    const at = (i: number, j: number) =>
      pixel(img, map.x + (i + 0.5) * upscale, map.y + (H - 1 - j + 0.5) * upscale);
    expect(layout.maxUm).toBe(100);
    expect(at(5, H - 1)).toEqual(lutAt(lut, 255));
    expect(at(6, H - 1)).toEqual(lutAt(lut, Math.round((59 / 100) * 255)));
    expect(at(40, 0)).toEqual(lutAt(lut, 0));
    // The first map row on screen is raster row H − 1, the last is row 0.
    expect(pixel(img, map.x + 50 * upscale, map.y + 1)).toEqual(lutAt(lut, Math.round(0.59 * 255)));
    expect(pixel(img, map.x + 50 * upscale, map.y + H * upscale - 1)).toEqual(lutAt(lut, 0));
    // A mm point maps where the raster pixel is drawn.
    expect(map.pxPerMm).toBeCloseTo(upscale * 100, 9);
    expect(map.leftMm).toBe(1);
    expect(map.topMm).toBeCloseTo(2 + 0.6, 12);
  });

  it("--max clips deeper values to the top colour and says so", () => {
    const { png, layout } = renderHeatmapWithLayout(hot, { maxUm: 50, colormap: "inferno" });
    const img = PNG.sync.read(png);
    const inferno = colormapLut("inferno");
    const { map, upscale } = layout;
    expect(layout.clipped).toBe(true);
    expect(pixel(img, map.x + 20 * upscale, map.y + 2)).toEqual(lutAt(inferno, 255)); // 59 ≥ 50
    expect(pixel(img, map.x + 20 * upscale, map.y + (H - 1 - 20 + 0.5) * upscale)).toEqual(
      lutAt(inferno, (20 / 50) * 255),
    );
    expect(renderHeatmapWithLayout(hot, { maxUm: 200 }).layout.clipped).toBe(false);
  });

  it("block max keeps a single microbeam visible when the raster is reduced", () => {
    const wide = raster(3000, 30, (i, j) => (i === 1501 && j === 10 ? 100 : 0));
    const max = renderHeatmapWithLayout(wide, { widthPx: 1000 });
    expect(max.layout.factor).toBe(3);
    const img = PNG.sync.read(max.png);
    const { map } = max.layout;
    // Raster (1501, 10) → display column 500, display row (29 − 10)/3 = 6.
    expect(pixel(img, map.x + 500, map.y + 6)).toEqual(lutAt(lut, 255));
    const mean = renderHeatmapWithLayout(wide, { widthPx: 1000, reduce: "mean", maxUm: 100 });
    const img2 = PNG.sync.read(mean.png);
    expect(pixel(img2, map.x + 500, map.y + 6)).toEqual(lutAt(lut, Math.round((100 / 9 / 100) * 255)));
  });

  it("labels every colorbar tick (text pixels where measureText says the label is)", () => {
    const { png, layout } = renderHeatmapWithLayout(hot, {});
    const img = PNG.sync.read(png);
    const bar = layout.colorbar;
    const measure = createCanvas(1, 1);
    const labelX = bar.x + bar.w + 5 + 4;
    const ticks = colorbarTicks(layout.maxUm);
    expect(ticks.map((t) => t.text)).toEqual(["0", "20", "40", "60", "80", "100"]);
    const ys: number[] = [];
    for (const t of ticks) {
      const ty = bar.y + Math.round((1 - t.value / layout.maxUm) * (bar.h - 1));
      ys.push(ty);
      // Dark pixels within the label's line, and their horizontal extent ≈ the measured width.
      let dark = 0;
      let minX = Number.POSITIVE_INFINITY;
      let maxX = -1;
      for (let y = ty - LABEL_PX; y <= ty + LABEL_PX; y++)
        for (let x = labelX - 1; x < labelX + 60; x++) {
          if (pixel(img, x, y)[0] < 128) {
            dark++;
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
          }
        }
      expect(dark, `label ${t.text}`).toBeGreaterThan(10);
      const w = textWidth(measure, t.text, LABEL_PX);
      expect(maxX - minX + 1).toBeGreaterThan(w - 4);
      expect(maxX - minX + 1).toBeLessThan(w + 2);
    }
    // Between two labels the strip is blank.
    const mid = Math.round((ys[1] + ys[2]) / 2);
    for (let x = labelX; x < labelX + 40; x++) expect(pixel(img, x, mid)).toEqual([255, 255, 255]);
  });

  it("draws the 30 µm contour on the closed-form circle of an analytic crater", () => {
    const crater = { wUm: 60, f0: 10, fth: 1, eta: 40, pixelUm: 5, size: 64 };
    const centreMm: [number, number] = [0.1617, 0.1583];
    const r = gaussianCrater({ ...crater, centreMm, originMm: [0, 0] });
    const { png, layout } = renderHeatmapWithLayout(r, { contoursUm: [30] });
    const img = PNG.sync.read(png);
    const want = rgb(layout.contourColors[0]);
    const r30Mm = isoRadiusUm(crater.wUm, crater.f0, crater.fth, crater.eta, 30) / 1000;
    const { map } = layout;
    for (let a = 0; a < 8; a++) {
      const ang = (a * Math.PI) / 4;
      const x = map.x + (centreMm[0] + r30Mm * Math.cos(ang) - map.leftMm) * map.pxPerMm;
      const y = map.y + (map.topMm - centreMm[1] - r30Mm * Math.sin(ang)) * map.pxPerMm;
      // Anti-aliased: the pixel nearest the line is (almost) the contour colour; 8 px out it is not.
      const near = (px: number, py: number) => {
        let best = Number.POSITIVE_INFINITY;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const p = pixel(img, px + dx, py + dy);
            best = Math.min(best, Math.hypot(p[0] - want[0], p[1] - want[1], p[2] - want[2]));
          }
        return best;
      };
      expect(near(x, y), `angle ${a * 45}°`).toBeLessThan(60);
      expect(near(x + 8 * Math.cos(ang), y - 8 * Math.sin(ang))).toBeGreaterThan(150);
    }
  });

  it("is deterministic", () => {
    const opts = { contoursUm: [20, 50], title: "t", outline: [new Float64Array([1, 2, 1.5, 2, 1.5, 2.5])] };
    expect(renderHeatmap(hot, opts).equals(renderHeatmap(hot, opts))).toBe(true);
  });

  it("rejects bad options with a PlanError", () => {
    expect(() => renderHeatmap(hot, { widthPx: 10 })).toThrow(PlanError);
    expect(() => renderHeatmap(hot, { maxUm: -1 })).toThrow(PlanError);
    expect(() => renderHeatmap(hot, { maxUm: Number.NaN })).toThrow(PlanError);
    expect(() => renderHeatmap(hot, { contoursUm: [0] })).toThrow(PlanError);
    // @ts-expect-error: a name the type does not allow, as from untyped JS
    expect(() => renderHeatmap(hot, { colormap: "jet" })).toThrow(PlanError);
  });
});
