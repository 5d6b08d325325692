import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HEAT_CUTOFF, heatIndex, heatStats, KAPPA_MM2_PER_S, kthSmallest } from "../../src/sequence/heat.js";
import { bruteForceHeat as bruteForce, randomHeatSpots } from "./fixtures.js";

describe("heat index (docs/model.md)", () => {
  it("is one for an earlier pulse on the very same spot with no time to cool, own stack not counted", () => {
    const x = Float64Array.from([5, 5]);
    const y = Float64Array.from([5, 5]);
    const t = Float64Array.from([0, 1e-9]);
    const h = heatIndex(x, y, t, Uint32Array.from([1, 7]), 0.06);
    expect(h[0]).toBe(0);
    expect(h[1]).toBeCloseTo(1, 6);
  });

  it("follows the spreading Gaussian: amplitude w²/(w²+4κΔt), stack as weight", () => {
    const w = 0.06;
    const dtMs = 2000;
    const d = 0.5;
    const s = w * w + 4 * KAPPA_MM2_PER_S * (dtMs / 1000);
    const expected = 3 * ((w * w) / s) * Math.exp(-(d * d) / s);
    const h = heatIndex(
      Float64Array.from([0, d]),
      Float64Array.from([0, 0]),
      Float64Array.from([0, dtMs]),
      Uint32Array.from([3, 1]),
      w,
    );
    expect(h[1]).toBeCloseTo(expected, 12);
  });

  it.each([
    ["dense, time-ordered sweep", 10, 1.0],
    ["sparse, random times", 30, 0.3],
  ])("agrees with the brute-force O(N²) sum on 2,000 random spots within 1 %% (%s)", (_n, side, jitter) => {
    const n = 2000;
    const { x, y, t, p } = randomHeatSpots(n, 11, side, jitter);
    const w = 0.06;
    const fast = heatIndex(x, y, t, p, w);
    const ref = bruteForce(x, y, t, p, w, KAPPA_MM2_PER_S);
    let maxRef = 0;
    for (let i = 0; i < n; i++) maxRef = Math.max(maxRef, ref[i]);
    for (let i = 0; i < n; i++) {
      // Skipped terms are each below the cut-off, so the sum can only fall short, by ≤ i·cut-off.
      expect(fast[i]).toBeLessThanOrEqual(ref[i] + 1e-12);
      expect(ref[i] - fast[i]).toBeLessThanOrEqual(Math.max(0.01 * ref[i], i * HEAT_CUTOFF));
    }
    const a = heatStats(fast);
    const b = heatStats(ref);
    expect(Math.abs(a.max - b.max)).toBeLessThanOrEqual(0.01 * b.max);
    expect(Math.abs(a.mean - b.mean)).toBeLessThanOrEqual(0.01 * b.mean);
    expect(Math.abs(a.p95 - b.p95)).toBeLessThanOrEqual(0.01 * b.p95);
    expect(maxRef).toBeGreaterThan(0.01);
  });

  it("reports max, nearest-rank p95 and mean", () => {
    const h = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(heatStats(h)).toEqual({ max: 100, p95: 95, mean: 50.5 });
  });

  it("selects the value a sort puts at rank k (ties, runs, sorted and reversed inputs)", () => {
    const values = fc.oneof(
      fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 300 }),
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 300 }), // many ties
      fc.integer({ min: 1, max: 300 }).map((n) => Array.from({ length: n }, (_, i) => i)), // sorted
      fc.integer({ min: 1, max: 300 }).map((n) => Array.from({ length: n }, (_, i) => n - i)), // reversed
    );
    fc.assert(
      fc.property(values, fc.double({ min: 0, max: 1, noNaN: true }), (list, q) => {
        const k = Math.min(list.length - 1, Math.floor(q * list.length));
        const sorted = Float64Array.from(list).sort();
        expect(kthSmallest(Float64Array.from(list), k)).toBe(sorted[k]);
      }),
      { numRuns: 400 },
    );
  });
});
