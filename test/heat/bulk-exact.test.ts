/**
 * The bulk rise's recent heat in WebAssembly (assembly/bulk-exact.ts, driven by bulk-rise.ts):
 * its error function against erf's series and closed values, the walk against a plain sum over
 * every earlier pulse with the same cut-off, and the same bits on one thread or two.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BULK_CUTOFF_K, erf, type PulseHeat, surfaceRiseK } from "../../src/heat/bulk-model.js";
import { bulkRise } from "../../src/heat/bulk-rise.js";
import { wasmErf } from "../../src/wasm/bulk-exact.js";
import { releaseInstance, takeInstance } from "../../src/wasm/module.js";
import { scanArb } from "../helpers/bulk-rise.js";

/** erf by its Maclaurin series summed until the terms vanish (x ≤ 3: the series converges fast enough in doubles to ~1e-14). */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

describe("the module's error function", () => {
  it("is within Numerical Recipes' 1.2e-7 of erf's series and odd, and matches bulk-model.ts", () => {
    const ex = takeInstance();
    for (let k = 0; k <= 600; k++) {
      const x = k / 200; // 0 … 3
      const got = wasmErf(ex, x);
      expect(Math.abs(got - erfSeries(x))).toBeLessThan(1.2e-7);
      expect(wasmErf(ex, -x)).toBe(-got);
      // The same arithmetic as the JavaScript erf: the series branch (no exp) to the bit, the
      // erfc branch within the last bits of exp.
      if (x < 0.5) expect(got).toBe(erf(x));
      else expect(Math.abs(got - erf(x))).toBeLessThanOrEqual(2e-16);
    }
    expect(wasmErf(ex, 6.5)).toBe(1);
    expect(wasmErf(ex, 0)).toBe(0);
    releaseInstance(ex);
  });
});

describe("the recent heat in WebAssembly", () => {
  const spotsArb = scanArb(1.5, 50_000, 2, 60);
  // Surface sources (L = 0), shallow columns (whose young terms the walk computes exactly) and deep ones.
  const heatArb: fc.Arbitrary<PulseHeat> = fc.record({
    qJ: fc.double({ min: 1e-4, max: 0.05, noNaN: true }),
    depthMm: fc.oneof(
      fc.constant(0),
      fc.double({ min: 1e-4, max: 0.02, noNaN: true }),
      fc.double({ min: 0.1, max: 1, noNaN: true }),
    ),
    s0Mm2: fc.double({ min: 1e-3, max: 0.1, noNaN: true }),
    wholePulse: fc.constant(false),
  });

  it("is the plain sum of every earlier pulse's term above the cut-off, within 1e-5 relative and the terms at the cut-off", () => {
    fc.assert(
      fc.property(
        spotsArb,
        heatArb,
        fc.double({ min: 0.2, max: 5, noNaN: true }),
        ({ x, y, tMs, p }, heat, periodMs) => {
          const rise = bulkRise(x, y, tMs, p, heat, { periodMs, slotMs: 0, threads: 1 });
          for (let i = 0; i < x.length; i++) {
            let want = 0;
            // The walk interpolates the age factor linearly on √τ (single terms within 3e-6
            // relative): a term that close to the cut-off may fall on the other side of it.
            let edge = 0;
            for (let j = 0; j < i; j++)
              for (let k = 0; k < p[j]; k++) {
                const tau = tMs[i] - (tMs[j] + k * periodMs);
                if (!(tau > 0)) continue;
                const term = surfaceRiseK(heat, Math.hypot(x[i] - x[j], y[i] - y[j]), tau);
                if (term >= BULK_CUTOFF_K) want += term;
                if (Math.abs(term / BULK_CUTOFF_K - 1) < 1e-5) edge += BULK_CUTOFF_K * 1.0001;
              }
            expect(Math.abs(rise[i] - want)).toBeLessThanOrEqual(1e-5 * want + edge + 1e-15);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("gives the same bits on one thread and on two (blocks shared with a pool worker), with and without the far field", () => {
    // 6,000 spots in 12 blocks: a random walk over a 6 mm square, 2 ms apart, stacks of 1 or 2.
    const n = 6000;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    const tMs = new Float64Array(n);
    const p = new Uint32Array(n);
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < n; i++) {
      x[i] = 6 * rand();
      y[i] = 6 * rand();
      tMs[i] = 2 * i;
      p[i] = 1 + (i % 2);
    }
    const heat: PulseHeat = { qJ: 1.3e-3, depthMm: 0.27, s0Mm2: 0.0018, wholePulse: false };
    // The far field's run first: the worker is started and idle when the exact-only runs post to it.
    for (const slotMs of [250, 0, 0]) {
      const one = bulkRise(x, y, tMs, p, heat, { periodMs: 1, slotMs, threads: 1 });
      const two = bulkRise(x, y, tMs, p, heat, { periodMs: 1, slotMs, threads: 2 });
      expect(Math.max(...one)).toBeGreaterThan(0.1);
      expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
    }
  }, 60_000);
});
