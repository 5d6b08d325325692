import fc from "fast-check";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { describe, expect, it } from "vitest";
import { ORDERS } from "../../src/plan/schema.js";
import { type Order, type OrderContext, orderStamp } from "../../src/sequence/orders.js";
import { gridPoints, pathLength, poissonLike, randomPoints } from "./fixtures.js";

function context(x: Float64Array, y: Float64Array, extra: Partial<OrderContext> = {}): OrderContext {
  return {
    x,
    y,
    spacingMm: 10 / Math.sqrt(Math.max(1, x.length)),
    originXMm: 0,
    originYMm: 0,
    k: 3,
    minStepMm: 2.5,
    ...extra,
  };
}

function run(order: Order, ctx: OrderContext, idx: Uint32Array, seed = 1, start: [number, number] = [5, 5]) {
  return orderStamp(order, ctx, idx, start[0], start[1], xoroshiro128plus(seed), new Uint32Array(idx.length));
}

const iota = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);

describe("firing orders (docs/model.md)", () => {
  it("every order is a permutation of the stamp's spots, for any point set (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ORDERS),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.boolean(),
        (order, n, seed, subset) => {
          const { x, y } = randomPoints(n + 5, 10, 10, seed + 1);
          // A stamp may hold any subset of the pattern's spots.
          const idx = subset ? iota(n + 5).filter((i) => i % 3 !== 1) : iota(n + 5).subarray(0, n);
          const out = run(order, context(x, y), idx, seed);
          const got = Array.from(out).sort((a, b) => a - b);
          const want = Array.from(idx).sort((a, b) => a - b);
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 120 },
    );
  });

  it("is deterministic per seed, and the seeded orders change with the seed", () => {
    const { x, y } = randomPoints(500, 10, 10, 3);
    for (const order of ORDERS) {
      const a = run(order, context(x, y), iota(500), 7);
      const b = run(order, context(x, y), iota(500), 7);
      expect(Array.from(a)).toEqual(Array.from(b));
      if (order === "random" || order === "spread") {
        const c = run(order, context(x, y), iota(500), 8);
        expect(Array.from(c)).not.toEqual(Array.from(a));
      }
    }
  });

  it("raster: lattice rows from the bottom, each left to right; serpentine alternates", () => {
    const g = gridPoints(5, 4, 1);
    const ctx = context(g.x, g.y, { row: g.row, col: g.col, spacingMm: 1 });
    const raster = run("raster", ctx, iota(g.count));
    const serp = run("serpentine", ctx, iota(g.count));
    for (let k = 0; k < g.count; k++) {
      const r = Math.floor(k / 5);
      const c = k % 5;
      expect([g.x[raster[k]], g.y[raster[k]]]).toEqual([c + 0.5, r + 0.5]);
      const cs = r % 2 === 0 ? c : 4 - c;
      expect([g.x[serp[k]], g.y[serp[k]]]).toEqual([cs + 0.5, r + 0.5]);
    }
  });

  it("raster of an irregular pattern: bands of the mean spacing, x ascending in each band", () => {
    const { x, y } = randomPoints(400, 10, 10, 5);
    const ctx = context(x, y, { spacingMm: 0.5 });
    const o = run("raster", ctx, iota(400));
    for (let k = 1; k < 400; k++) {
      const b0 = Math.floor(y[o[k - 1]] / 0.5);
      const b1 = Math.floor(y[o[k]] / 0.5);
      expect(b1).toBeGreaterThanOrEqual(b0);
      if (b1 === b0) expect(x[o[k]]).toBeGreaterThanOrEqual(x[o[k - 1]]);
    }
  });

  it("interleave: k × k sub-lattices one after another, each in serpentine order", () => {
    const g = gridPoints(9, 6, 1);
    const ctx = context(g.x, g.y, { row: g.row, col: g.col, spacingMm: 1, k: 3 });
    const o = run("interleave", ctx, iota(g.count));
    const sub = (i: number) => (g.row[i] % 3) * 3 + (g.col[i] % 3);
    // Sub-lattice index never decreases; inside one, rows ascend.
    for (let k = 1; k < g.count; k++) {
      expect(sub(o[k])).toBeGreaterThanOrEqual(sub(o[k - 1]));
      if (sub(o[k]) === sub(o[k - 1])) expect(g.row[o[k]]).toBeGreaterThanOrEqual(g.row[o[k - 1]]);
    }
    // Each sub-lattice has 3 columns × 2 rows: the second row runs right to left.
    const first = Array.from(o.subarray(0, 6)).map((i) => [g.col[i], g.row[i]]);
    expect(first).toEqual([
      [0, 0],
      [3, 0],
      [6, 0],
      [6, 3],
      [3, 3],
      [0, 3],
    ]);
  });

  it("spread: consecutive spots ≥ minStepMm apart wherever such a spot remains", () => {
    for (const [n, side, minStep, seed] of [
      [1500, 20, 5, 1],
      [400, 8, 3, 2],
      [300, 6, 5, 3], // small field: many steps cannot reach minStep
    ] as const) {
      const { x, y } = randomPoints(n, side, side, seed);
      const o = run("spread", context(x, y, { minStepMm: minStep }), iota(n), seed);
      const left = new Set<number>(Array.from(o));
      left.delete(o[0]);
      for (let k = 1; k < n; k++) {
        const p = o[k - 1];
        const d = Math.hypot(x[o[k]] - x[p], y[o[k]] - y[p]);
        let possible = false;
        let farthest = 0;
        for (const j of left) {
          const dj = Math.hypot(x[j] - x[p], y[j] - y[p]);
          farthest = Math.max(farthest, dj);
          if (dj >= minStep) possible = true;
        }
        if (possible) expect(d).toBeGreaterThanOrEqual(minStep);
        else expect(d).toBeCloseTo(farthest, 12);
        left.delete(o[k]);
      }
    }
  });

  it("shortest: path ≤ 0.9 × serpentine on a Poisson-like pattern, starting from the stamp centre", () => {
    for (const seed of [1, 2]) {
      const { x, y } = poissonLike(5000, 20, seed);
      const n = x.length;
      const ctx = context(x, y, { spacingMm: 20 / Math.sqrt(n) });
      const s = run("serpentine", ctx, iota(n), 1, [10, 10]);
      const t = run("shortest", ctx, iota(n), 1, [10, 10]);
      const ls = pathLength(x, y, s, 10, 10);
      const lt = pathLength(x, y, t, 10, 10);
      expect(lt).toBeLessThanOrEqual(0.9 * ls);
      // Sanity: every spot but the first is entered by a jump ≥ the pattern's minimum distance.
      expect(lt).toBeGreaterThanOrEqual((n - 1) * ((0.6 * 20) / Math.sqrt(5000)));
    }
  });

  it("shortest handles tiny stamps and duplicates", () => {
    const x = Float64Array.from([1, 1, 1, 4, 2]);
    const y = Float64Array.from([1, 1, 1, 4, 2]);
    for (const n of [0, 1, 2, 3, 5]) {
      const o = run("shortest", context(x, y), iota(n));
      expect(Array.from(o).sort()).toEqual(Array.from(iota(n)));
    }
  });
});
