/**
 * Heat index on long treatments, where old terms matter (docs/model.md): the grid ladder of
 * heat-exact.ts and heat-grid.ts against the brute-force O(N²) sum, and one thread against two.
 * Stated bound: per spot |H − H_exact| ≤ max(1 % · H_exact, 1e-4); max, p95, mean within 1 %.
 */
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { describe, expect, it } from "vitest";
import { heatIndex, heatStats, KAPPA_MM2_PER_S } from "../../src/sequence/heat.js";
import { orderStamp } from "../../src/sequence/orders.js";
import { bruteForceHeat as bruteForce, rand01, randomHeatSpots } from "./fixtures.js";

const W_MM = 0.06;

interface Case {
  x: Float64Array;
  y: Float64Array;
  t: Float64Array;
  p: Uint32Array;
}

/** 3,000 random spots on a 10 mm square in `spread` order (steps ≥ 2.5 mm), 20 ms apart: 60 s. */
function spreadCase(): Case {
  const n = 3000;
  const r = rand01(5);
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    px[i] = r() * 10;
    py[i] = r() * 10;
  }
  const ctx = { x: px, y: py, spacingMm: 0.2, originXMm: 0, originYMm: 0, k: 3, minStepMm: 2.5 };
  const order = orderStamp(
    "spread",
    ctx,
    Uint32Array.from({ length: n }, (_, i) => i),
    5,
    5,
    xoroshiro128plus(3),
    new Uint32Array(n),
  );
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const t = new Float64Array(n);
  const p = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    x[k] = px[order[k]];
    y[k] = py[order[k]];
    t[k] = 20 * k;
    p[k] = 1 + (k % 3);
  }
  return { x, y, t, p };
}

/** A dense serpentine: rows 0.1 mm apart, spots 0.1 mm apart on a 5 × 6 mm patch, 20 ms per spot (60 s). */
function serpentineCase(): Case {
  const cols = 50;
  const rows = 60;
  const n = cols * rows;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const t = new Float64Array(n);
  const p = new Uint32Array(n).fill(1);
  let k = 0;
  for (let row = 0; row < rows; row++)
    for (let c = 0; c < cols; c++) {
      const col = row % 2 === 0 ? c : cols - 1 - c;
      x[k] = 0.1 * col + (row % 2) * 0.05;
      y[k] = 0.1 * row;
      t[k] = 20 * k;
      k++;
    }
  return { x, y, t, p };
}

const cases: [string, () => Case][] = [
  ["3,000 spots in spread order over 60 s", spreadCase],
  ["dense serpentine, 3,000 spots over 60 s", serpentineCase],
];

describe("heat index on long treatments (grid ladder vs brute force)", () => {
  for (const [name, make] of cases) {
    const c = make();
    const ref = bruteForce(c.x, c.y, c.t, c.p, W_MM, KAPPA_MM2_PER_S);
    it.each([125, 500, 2000])(
      `${name}: within max(1 %%, 1e-4) per spot and 1 %% on the stats, slot %i ms`,
      (slotMs) => {
        const h = heatIndex(c.x, c.y, c.t, c.p, W_MM, KAPPA_MM2_PER_S, undefined, { slotMs, threads: 1 });
        let worst = 0;
        for (let i = 0; i < h.length; i++)
          worst = Math.max(worst, Math.abs(h[i] - ref[i]) / Math.max(0.01 * ref[i], 1e-4));
        expect(worst).toBeLessThanOrEqual(1);
        const a = heatStats(h);
        const b = heatStats(ref);
        expect(Math.abs(a.max - b.max)).toBeLessThanOrEqual(0.01 * b.max);
        expect(Math.abs(a.p95 - b.p95)).toBeLessThanOrEqual(0.01 * b.p95);
        expect(Math.abs(a.mean - b.mean)).toBeLessThanOrEqual(0.01 * b.mean);
        // Old heat is a real part of the sum here (otherwise this test would not test the grids).
        expect(b.mean).toBeGreaterThan(0.05);
      },
    );
  }

  it("holds on 2,000 random spots too when the grids are forced (two-sided bound)", () => {
    const n = 2000;
    const { x, y, t, p } = randomHeatSpots(n, 11, 10, 1);
    const ref = bruteForce(x, y, t, p, W_MM, KAPPA_MM2_PER_S);
    const h = heatIndex(x, y, t, p, W_MM, KAPPA_MM2_PER_S, undefined, { slotMs: 125, threads: 1 });
    for (let i = 0; i < n; i++)
      expect(Math.abs(h[i] - ref[i])).toBeLessThanOrEqual(Math.max(0.01 * ref[i], 1e-4));
  });

  it("gives bit-identical results on one and two threads", () => {
    // Small blocks, and the worker started by the first call, so both threads take blocks.
    for (const make of [spreadCase, serpentineCase]) {
      const c = make();
      for (const slotMs of [0, 250]) {
        const opts = { slotMs, blockSpots: 8 };
        const one = heatIndex(c.x, c.y, c.t, c.p, W_MM, KAPPA_MM2_PER_S, undefined, { ...opts, threads: 1 });
        const two = heatIndex(c.x, c.y, c.t, c.p, W_MM, KAPPA_MM2_PER_S, undefined, { ...opts, threads: 2 });
        expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
      }
    }
  });

  it("picks the grids by itself above 4,000 spots and stays within the bound", () => {
    // 6,000 spots: a 10 × 10 mm random field fired 10 ms apart (60 s), checked on a sample of spots.
    const n = 6000;
    const r = rand01(7);
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    const t = new Float64Array(n);
    const p = new Uint32Array(n).fill(1);
    for (let i = 0; i < n; i++) {
      x[i] = r() * 10;
      y[i] = r() * 10;
      t[i] = 10 * i;
    }
    const h = heatIndex(x, y, t, p, W_MM);
    const w2 = W_MM * W_MM;
    for (let i = 0; i < n; i += 37) {
      let s = 0;
      for (let j = 0; j < i; j++) {
        const ss = w2 + 4 * KAPPA_MM2_PER_S * ((t[i] - t[j]) / 1000);
        s += (w2 / ss) * Math.exp(-((x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2) / ss);
      }
      expect(Math.abs(h[i] - s)).toBeLessThanOrEqual(Math.max(0.01 * s, 1e-4));
    }
  });
});
