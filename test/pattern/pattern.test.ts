import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createArea } from "../../src/area/index.js";
import { generatePattern, poissonMinDistanceMm } from "../../src/pattern/index.js";
import { poissonDisk } from "../../src/pattern/poisson.js";
import { resolvePlan } from "../../src/plan/load.js";
import { insideRings, minPairDistance, starRing } from "../helpers/geometry.js";
import { rawPlan } from "../helpers/plans.js";

const SPOT_AREA_CM2 = Math.PI * 0.006 ** 2; // 120 µm spot, w = 60 µm

function build(patch: Record<string, unknown>) {
  const plan = resolvePlan(rawPlan(patch), ".");
  const area = createArea(plan.area);
  return { plan, area, spots: generatePattern(plan, area) };
}

/** Spots per cm² actually placed. */
function achieved(count: number, areaMm2: number): number {
  return (count / areaMm2) * 100;
}

describe("lattice placement (docs/formats.md)", () => {
  it("a square lattice sits at pitch·(i + ½) from the bounding-box corner", () => {
    const { spots } = build({
      pattern: { lattice: "square", pitchUm: 500, coverage: undefined },
      area: { shape: "rect", widthMm: 2, heightMm: 1.5, originMm: [10, 20] },
    });
    expect(spots.count).toBe(4 * 3);
    expect(spots.x[0]).toBeCloseTo(10.25, 12);
    expect(spots.y[0]).toBeCloseTo(20.25, 12);
    expect(spots.x[3]).toBeCloseTo(11.75, 12);
  });

  it("a hex lattice has rows h·(r + ½) apart with odd rows shifted by pitch/2, as refsim.c", () => {
    const p = 0.4;
    const h = (p * Math.sqrt(3)) / 2;
    const { spots } = build({
      pattern: { lattice: "hex", pitchUm: 400, coverage: undefined },
      area: { shape: "rect", widthMm: 2, heightMm: 2 },
    });
    // refsim.c: for each row r with y = h(r + ½) ≤ A, x = off + p/2 + k·p < A, off = p/2 on odd rows
    const want: [number, number][] = [];
    for (let r = 0; h * (r + 0.5) < 2; r++)
      for (let x = (r % 2 ? p / 2 : 0) + p / 2; x < 2; x += p) want.push([x, h * (r + 0.5)]);
    expect(spots.count).toBe(want.length);
    for (let i = 0; i < want.length; i++) {
      expect(spots.x[i]).toBeCloseTo(want[i][0], 9);
      expect(spots.y[i]).toBeCloseTo(want[i][1], 9);
    }
  });

  it("the reference 12-gon workload has refsim.c's 66,316 spots", () => {
    const rings = [
      Array.from({ length: 12 }, (_, i) => [
        50 + 50 * Math.cos((Math.PI * i) / 6),
        50 + 50 * Math.sin((Math.PI * i) / 6),
      ]),
    ];
    const { spots } = build({ area: { shape: "polygon", rings } });
    expect(spots.count).toBe(66316); // printed by `refsim 100 120 0.10 10 5 4 1 10`
  });
});

describe("achieved density matches the request", () => {
  const big = { shape: "circle", diameterMm: 60 };
  it.each([
    ["square", 0.02],
    ["hex", 0.02],
    ["jittered", 0.02],
    ["random", 0.05],
    ["poisson", 0.05],
  ])("%s within its tolerance at coverage 0.1 and 1.5", (lattice, tol) => {
    for (const coverage of [0.1, 1.5]) {
      const spot = coverage > 1 ? 1000 : 120;
      const { spots, area } = build({
        pattern: { lattice, coverage },
        area: big,
        spot: { diameterUm: spot },
      });
      const want = coverage / (Math.PI * (spot / 2e4) ** 2);
      expect(Math.abs(achieved(spots.count, area.areaMm2) / want - 1)).toBeLessThan(tol as number);
    }
  });

  it("density given as pitchUm or densityPerCm2 gives the same spots as the equivalent coverage", () => {
    const a = build({ pattern: { lattice: "hex", coverage: 0.1 } }).spots.count;
    const density = 0.1 / SPOT_AREA_CM2;
    const b = build({ pattern: { lattice: "hex", densityPerCm2: density, coverage: undefined } }).spots.count;
    const pitchUm = Math.sqrt(2 / (Math.sqrt(3) * density)) * 1e4;
    const c = build({ pattern: { lattice: "hex", pitchUm, coverage: undefined } }).spots.count;
    expect(b).toBe(a);
    expect(Math.abs(c - a)).toBeLessThanOrEqual(1);
  });

  it("rotation keeps the density (square and hex, 10°–80°)", () => {
    for (const lattice of ["square", "hex"])
      for (const rotationDeg of [10, 33, 45, 80]) {
        const { spots, area } = build({ pattern: { lattice, coverage: 0.1, rotationDeg }, area: big });
        expect(Math.abs(achieved(spots.count, area.areaMm2) / (0.1 / SPOT_AREA_CM2) - 1)).toBeLessThan(0.02);
      }
  });
});

describe("invariants", () => {
  it("every spot of every lattice lies inside random polygons with holes and outside the holes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.5, max: 1, noNaN: true }), { minLength: 8, maxLength: 30 }),
        fc.array(fc.double({ min: 0.05, max: 0.3, noNaN: true }), { minLength: 3, maxLength: 10 }),
        fc.constantFrom("square", "hex", "jittered", "random", "poisson"),
        fc.double({ min: 0, max: 90, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (ro, rh, lattice, rotationDeg, seed) => {
          const rings = [
            starRing(
              5,
              5,
              ro.map((r) => 5 * r),
            ),
            starRing(
              5,
              5,
              rh.map((r) => 5 * r),
            ),
          ];
          const { spots } = build({
            area: { shape: "polygon", rings },
            pattern: { lattice, coverage: 0.05, rotationDeg, seed },
          });
          for (let i = 0; i < spots.count; i++) expect(insideRings(rings, spots.x[i], spots.y[i])).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("poisson spots keep the minimum distance", () => {
    const { spots } = build({
      pattern: { lattice: "poisson", coverage: 0.2 },
      area: { shape: "rect", widthMm: 15, heightMm: 15 },
    });
    const r = poissonMinDistanceMm(0.2 / SPOT_AREA_CM2 / 100);
    expect(minPairDistance(spots.x, spots.y, spots.count, r)).toBeGreaterThanOrEqual(r);
  });

  it("a big area grows in two strips and a seam: spacing holds across the seam, threads do not matter", () => {
    // 450,000 allowed grid cells: above the split threshold (two strips on two threads).
    const area = createArea({ shape: "rect", widthMm: 40, heightMm: 40, originMm: [0, 0] });
    const r = 0.085;
    const two = poissonDisk(area, r, 11, [3, 5, 6], 2);
    const one = poissonDisk(area, r, 11, [3, 5, 6], 1);
    expect(Buffer.from(two.x.buffer).equals(Buffer.from(one.x.buffer))).toBe(true);
    expect(Buffer.from(two.y.buffer).equals(Buffer.from(one.y.buffer))).toBe(true);
    expect(minPairDistance(two.x, two.y, two.count, r)).toBeGreaterThanOrEqual(r);
    // Maximal packing of Bridson sets: about 0.7 points per r² (seam rows included).
    let nearSeam = 0;
    for (let i = 0; i < two.count; i++) if (Math.abs(two.y[i] - 20) < 0.5) nearSeam++;
    const perR2 = two.count / (1600 / (r * r));
    const seamPerR2 = nearSeam / ((40 * 1) / (r * r));
    expect(perR2).toBeGreaterThan(0.6);
    expect(Math.abs(seamPerR2 / perR2 - 1)).toBeLessThan(0.1);
  });

  it("same seed, same spots; another seed, other spots", () => {
    for (const lattice of ["jittered", "random", "poisson"]) {
      const a = build({ pattern: { lattice, coverage: 0.1, seed: 7 } }).spots;
      const b = build({ pattern: { lattice, coverage: 0.1, seed: 7 } }).spots;
      const c = build({ pattern: { lattice, coverage: 0.1, seed: 8 } }).spots;
      expect(Buffer.from(a.x.buffer).equals(Buffer.from(b.x.buffer))).toBe(true);
      expect(Buffer.from(a.y.buffer).equals(Buffer.from(b.y.buffer))).toBe(true);
      expect(Buffer.from(a.x.buffer).equals(Buffer.from(c.x.buffer))).toBe(false);
    }
  });
});

describe("disconnected areas", () => {
  it("poisson and random fill both islands of a two-part area at the requested density", () => {
    const square = (x: number, y: number, s: number): [number, number][] => [
      [x, y],
      [x + s, y],
      [x + s, y + s],
      [x, y + s],
    ];
    for (const lattice of ["poisson", "random"]) {
      const { spots } = build({
        area: { shape: "polygon", rings: [square(0, 0, 8), square(30, 20, 8)] },
        pattern: { lattice, coverage: 0.1 },
      });
      const perIsland = 64 * (0.1 / SPOT_AREA_CM2 / 100);
      let left = 0;
      for (let i = 0; i < spots.count; i++) if (spots.x[i] < 10) left++;
      const right = spots.count - left;
      for (const n of [left, right]) expect(Math.abs(n / perIsland - 1)).toBeLessThan(0.1);
    }
  });
});
