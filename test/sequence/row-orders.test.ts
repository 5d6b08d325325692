/**
 * buildScan's fast raster / serpentine path (rowOrderedStamps, in the WebAssembly module) must give
 * exactly the order of order/rows.ts for every stamp it takes, and leave the others alone.
 */
import fc from "fast-check";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { describe, expect, it } from "vitest";
import { createArea } from "../../src/area/index.js";
import { generatePattern } from "../../src/pattern/index.js";
import { resolvePlan } from "../../src/plan/load.js";
import { orderContext, rowOrderedStamps } from "../../src/sequence/index.js";
import { orderStamp } from "../../src/sequence/orders.js";
import { buildStamps } from "../../src/sequence/stamps.js";
import { rawPlan } from "../helpers/plans.js";

/** Spots of a plan, their stamps and the order context buildScan would use. */
function scanInputs(patch: Record<string, unknown>, fieldMm: number) {
  const plan = resolvePlan(rawPlan(patch), ".");
  const area = createArea(plan.area);
  const spots = generatePattern(plan, area);
  const box = { minX: area.minX, minY: area.minY, maxX: area.maxX, maxY: area.maxY };
  const st = buildStamps(spots.x, spots.y, spots.count, box, [fieldMm, fieldMm], 0);
  const ctx = orderContext(plan, area, spots);
  return { st, ctx };
}

/** Per stamp: the fast path's order where it took the stamp, order/rows.ts everywhere. */
function bothWays(kind: "raster" | "serpentine", patch: Record<string, unknown>, fieldMm: number) {
  const { st, ctx } = scanInputs(patch, fieldMm);
  const fast = new Uint32Array(st.items.length);
  const done = rowOrderedStamps(kind, ctx, st.start, st.items, st.count, fast);
  const slow = new Uint32Array(st.items.length);
  for (let s = 0; s < st.count; s++) {
    const a = st.start[s];
    const b = st.start[s + 1];
    orderStamp(kind, ctx, st.items.subarray(a, b), 0, 0, xoroshiro128plus(1), slow.subarray(a, b));
  }
  return { st, done, fast, slow };
}

describe("raster and serpentine orders in the module", () => {
  it("equal order/rows.ts on every stamp they take; unsorted stamps are left to it (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("raster" as const, "serpentine" as const),
        fc.constantFrom("hex", "square", "poisson", "jittered"),
        fc.constantFrom(0, 30),
        fc.double({ min: 0.05, max: 0.4, noNaN: true }),
        fc.constantFrom(3, 7, 20),
        (kind, lattice, rotationDeg, coverage, fieldMm) => {
          const patch = {
            area: { shape: "circle", diameterMm: 12 },
            pattern: { lattice, coverage, rotationDeg, seed: 3 },
          };
          const { st, done, fast, slow } = bothWays(kind, patch, fieldMm);
          for (let s = 0; s < st.count; s++) {
            if (done[s] !== 1) continue;
            const a = st.start[s];
            const b = st.start[s + 1];
            expect(Array.from(fast.subarray(a, b))).toEqual(Array.from(slow.subarray(a, b)));
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("takes every stamp of an unrotated hex lattice (generated row by row)", () => {
    const patch = {
      area: { shape: "rect", widthMm: 20, heightMm: 14 },
      pattern: { lattice: "hex", coverage: 0.1 },
    };
    for (const kind of ["raster", "serpentine"] as const) {
      const { st, done, fast, slow } = bothWays(kind, patch, 6);
      expect(st.count).toBeGreaterThan(4);
      expect(Array.from(done).every((d) => d === 1)).toBe(true);
      expect(Array.from(fast)).toEqual(Array.from(slow));
    }
  });

  it("leaves stamps of other orders to orders.ts", () => {
    const { st, ctx } = scanInputs(
      { area: { shape: "rect", widthMm: 10, heightMm: 10 }, pattern: { lattice: "hex", coverage: 0.1 } },
      5,
    );
    const done = rowOrderedStamps(
      "spread",
      ctx,
      st.start,
      st.items,
      st.count,
      new Uint32Array(st.items.length),
    );
    expect(Array.from(done).every((d) => d === 0)).toBe(true);
  });
});
