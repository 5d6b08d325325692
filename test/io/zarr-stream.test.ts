/**
 * The splat's band sink, which feeds the OME-Zarr writer window by window: the windows arrive
 * top first and contiguous, and put together they are the kept raster bit for bit, with the
 * same stats, on one thread or two.
 */
import { afterAll, describe, expect, it } from "vitest";
import { doseModelFor } from "../../src/dose/ablation.js";
import { makeBeam } from "../../src/dose/beam.js";
import { closeWorkers, splatDose } from "../../src/dose/splat.js";
import type { Laser } from "../../src/plan/schema.js";
import { rect, STEADY } from "../dose/helpers.js";

afterAll(async () => {
  await closeWorkers();
});

/** Deterministic spots (a simple LCG), some hanging over the edges. */
function spots(n: number, w: number, h: number) {
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let s = 12345;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  for (let k = 0; k < n; k++) {
    x[k] = -0.1 + next() * (w + 0.2);
    y[k] = -0.1 + next() * (h + 0.2);
  }
  return { x, y, count: n };
}

describe("splat band sink", () => {
  const model = doseModelFor(STEADY as Laser, makeBeam("gaussian", 60, 10));
  const area = rect(4, 20);
  const input = spots(3000, 4, 20);

  for (const threads of [1, 2]) {
    it(`windows, top first, equal the kept raster and its stats (${threads} thread(s))`, async () => {
      const kept = await splatDose(input, 2, model, area, 10, { threads: 1, keep: true, levels: [1, 30] });
      const raster = kept.raster;
      if (!raster) throw new Error("no raster");
      const { width, height } = raster;
      expect([width, height]).toEqual([400, 2000]);
      const got = new Float32Array(width * height);
      const windows: [number, number][] = [];
      const streamed = await splatDose(input, 2, model, area, 10, {
        threads,
        levels: [1, 30],
        sinkWindowPixels: 50_000,
        sink: (rows, row0, nRows) => {
          windows.push([row0, nRows]);
          expect(rows.length).toBe(nRows * width);
          got.set(rows, row0 * width);
        },
      });
      expect(streamed.raster).toBeUndefined();
      // Several windows, from the top (highest rows) down, each ending where the previous began.
      expect(windows.length).toBeGreaterThan(2);
      let top = height;
      for (const [row0, nRows] of windows) {
        expect(row0 + nRows).toBe(top);
        top = row0;
      }
      expect(top).toBe(0);
      const a = Buffer.from(got.buffer);
      expect(a.equals(Buffer.from(raster.data.buffer, raster.data.byteOffset, raster.data.byteLength))).toBe(
        true,
      );
      expect(streamed.stats).toEqual(kept.stats);
      expect(kept.stats.maxUm).toBeGreaterThan(100);
    });
  }

  it("counts one window, not the raster, against the memory limit", async () => {
    // Kept: the 3.05 MB raster plus a band and a histogram, over 3 MB; streamed: a 656-row
    // window (1 MB) plus a band and a histogram, under it.
    await expect(
      splatDose(input, 1, model, area, 10, { threads: 1, keep: true, maxMemoryMb: 3 }),
    ).rejects.toThrow(/max-memory-mb/);
    const r = await splatDose(input, 1, model, area, 10, {
      threads: 1,
      maxMemoryMb: 3,
      sinkWindowPixels: 50_000,
      sink: () => {},
    });
    expect(r.stats.maxUm).toBeGreaterThan(0);
  });
});
