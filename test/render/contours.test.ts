import { describe, expect, it } from "vitest";
import { PlanError } from "../../src/errors.js";
import { isoContours, parseContourLevels } from "../../src/render/contours.js";
import { gaussianCrater, isoRadiusUm } from "./crater.js";

describe("iso-depth contours", () => {
  const crater = { wUm: 60, f0: 10, fth: 1, eta: 40, pixelUm: 5, size: 64 };
  const centreMm: [number, number] = [2.1617, 5.1583]; // off the pixel grid on purpose
  const originMm: [number, number] = [2.0, 5.0];

  it("the 30 µm line of a single Gaussian crater is the closed-form circle (within one pixel)", () => {
    const r = gaussianCrater({ ...crater, centreMm, originMm });
    for (const depthUm of [30, 150, 300]) {
      const r0 = isoRadiusUm(crater.wUm, crater.f0, crater.fth, crater.eta, depthUm);
      const [level] = isoContours(r, [depthUm]);
      expect(level.depthUm).toBe(depthUm);
      expect(level.rings.length).toBe(1);
      const ring = level.rings[0];
      expect(ring.length / 2).toBeGreaterThan(20);
      let worst = 0;
      for (let k = 0; k < ring.length; k += 2) {
        const rUm = Math.hypot(ring[k] - centreMm[0], ring[k + 1] - centreMm[1]) * 1000;
        worst = Math.max(worst, Math.abs(rUm - r0));
      }
      expect(worst).toBeLessThan(crater.pixelUm);
      // Linear interpolation between pixel centres does much better than the one-pixel bound.
      expect(worst).toBeLessThan(crater.pixelUm / 4);
    }
    // r30 for these numbers, worked by hand: 60·sqrt(ln(10/1.75)/2) = 60·sqrt(0.8715) = 56.01 µm.
    expect(isoRadiusUm(60, 10, 1, 40, 30)).toBeCloseTo(56.01, 2);
  });

  it("a level above the peak gives no ring, and rings are in mm (not pixels)", () => {
    const r = gaussianCrater({ ...crater, centreMm, originMm });
    const peak = crater.eta * (crater.f0 - crater.fth);
    expect(isoContours(r, [peak + 1])[0].rings.length).toBe(0);
    const ring = isoContours(r, [30])[0].rings[0];
    for (let k = 0; k < ring.length; k += 2) {
      expect(ring[k]).toBeGreaterThan(originMm[0]);
      expect(ring[k]).toBeLessThan(originMm[0] + 0.32);
    }
  });

  it("parses --contours", () => {
    expect(parseContourLevels("150, 30")).toEqual([30, 150]);
    expect(parseContourLevels("30,30")).toEqual([30]);
    for (const bad of ["", "a", "0", "-5", "1,2,3,4,5", "NaN"])
      expect(() => parseContourLevels(bad)).toThrow(PlanError);
  });
});
