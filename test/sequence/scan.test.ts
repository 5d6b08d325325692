import { describe, expect, it } from "vitest";
import type { Area } from "../../src/area/types.js";
import type { ResolvedPlan } from "../../src/plan/schema.js";
import { parsePlan } from "../../src/plan/validate.js";
import { buildScan } from "../../src/sequence/index.js";
import { randomPoints, rectArea } from "./fixtures.js";

const LASER = {
  name: "test",
  wavelengthNm: 10600,
  kind: "ablative" as const,
  model: "steady-state" as const,
  thresholdJcm2: 5,
  etaUmPerJcm2: 4,
  coagulationUm: 50,
};

function plan(order: string, extra: Record<string, unknown> = {}): ResolvedPlan {
  const p = parsePlan({
    version: 1,
    laser: LASER,
    pulse: { energyMj: 10, stack: 2 },
    pattern: { lattice: "random", coverage: 0.1, seed: 1 },
    area: { shape: "rect", widthMm: 30, heightMm: 25 },
    scanner: { fieldMm: [12, 12] },
    sequence: { order, seed: 4 },
    ...extra,
  });
  return { ...p, laser: LASER } as ResolvedPlan;
}

describe("buildScan", () => {
  const area = rectArea(30, 25) as unknown as Area;
  const { x, y } = randomPoints(2000, 30, 25, 9);
  const spots = { x, y, count: 2000, spacingMm: Math.sqrt(750 / 2000) };

  it.each(["raster", "serpentine", "random", "interleave", "spread", "shortest"])(
    "%s: a permutation, stamps contiguous and in order, positions and pulses follow the order",
    (order) => {
      const s = buildScan(plan(order), area, spots);
      const seen = new Uint8Array(2000);
      for (const i of s.order) seen[i]++;
      expect(seen.every((v) => v === 1)).toBe(true);
      for (let k = 0; k < 2000; k++) {
        expect(s.xMm[k]).toBe(x[s.order[k]]);
        expect(s.pulses[k]).toBe(2);
        if (k > 0) expect(s.stamp[k]).toBeGreaterThanOrEqual(s.stamp[k - 1]);
        if (k > 0) expect(s.tMs[k]).toBeGreaterThan(s.tMs[k - 1]);
      }
      expect(s.stamps.length).toBe(9); // 30 × 25 mm in 12 mm fields: 3 × 3
      expect(s.stamps.reduce((a, b) => a + b.spots, 0)).toBe(2000);
      expect(s.heatPerSpot.length).toBe(2000);
      expect(s.heat.max).toBeGreaterThanOrEqual(s.heat.p95);
      const again = buildScan(plan(order), area, spots);
      expect(Array.from(again.order)).toEqual(Array.from(s.order));
      expect(again.treatmentMs).toBe(s.treatmentMs);
    },
  );

  it("shortest is faster than random on the same spots", () => {
    const a = buildScan(plan("shortest"), area, spots);
    const b = buildScan(plan("random"), area, spots);
    expect(a.pathLengthMm).toBeLessThan(b.pathLengthMm / 5);
    expect(a.treatmentMs).toBeLessThan(b.treatmentMs);
  });

  it("warns when overlapping stamps put spots of two stamps closer than half the spacing", () => {
    const s = buildScan(plan("raster", { scanner: { fieldMm: [12, 12], overlapMm: 4 } }), area, spots);
    expect(s.warnings.some((w) => w.includes("overlap"))).toBe(true);
    const none = buildScan(plan("raster"), area, spots);
    expect(none.warnings.some((w) => w.includes("overlap"))).toBe(false);
  });
});
