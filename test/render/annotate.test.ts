import { describe, expect, it } from "vitest";
import {
  formatTick,
  formatValue,
  niceLength,
  niceStep,
  niceTicks,
  scaleBarFor,
} from "../../src/render/annotate.js";

describe("nice numbers", () => {
  it("steps are 1, 2 or 5 × 10^k", () => {
    expect(niceStep(100)).toBe(20);
    expect(niceStep(150)).toBe(50); // 150/5 = 30 → 3 × 10 rounds to 5 × 10: ticks 0, 50, 100, 150
    expect(niceStep(427)).toBe(100);
    expect(niceStep(1)).toBe(0.2);
    expect(niceStep(0.03)).toBeCloseTo(0.005, 12);
  });
  it("ticks run from 0 to the last step under the max", () => {
    expect(niceTicks(100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(427)).toEqual([0, 100, 200, 300, 400]);
    expect(niceTicks(33)).toEqual([0, 5, 10, 15, 20, 25, 30]);
  });
  it("scale bar lengths", () => {
    expect(niceLength(4)).toBe(2);
    expect(niceLength(5)).toBe(5);
    expect(niceLength(0.37)).toBeCloseTo(0.2, 12);
    expect(niceLength(19.9)).toBe(10);
    const s = scaleBarFor(50, 1000); // 20 mm map: 4 mm wanted → 2 mm
    expect(s.lengthMm).toBe(2);
    expect(s.lengthPx).toBe(100);
    expect(s.label).toBe("2 mm");
    expect(scaleBarFor(2000, 1000).label).toBe("100 µm");
  });
  it("formats labels", () => {
    expect(formatTick(0.5, 0.5)).toBe("0.5");
    expect(formatTick(20, 20)).toBe("20");
    expect(formatValue(182.34)).toBe("182");
    expect(formatValue(12.345)).toBe("12.3");
    expect(formatValue(0.0123)).toBe("0.0123");
  });
});
