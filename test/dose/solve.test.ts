import { describe, expect, it } from "vitest";
import { simulatePlan } from "../../src/dose/simulate.js";
import { solvePlan } from "../../src/dose/solve.js";
import { PlanError } from "../../src/errors.js";
import { testPlan } from "./helpers.js";

const base = () => testPlan({ area: { shape: "circle", diameterMm: 6 } });

describe("solve then simulate reaches the target", () => {
  for (const [by, vary, target] of [
    ["mean", "energy", 40],
    ["peak", "energy", 150],
    ["mean", "coverage", 25],
  ] as const) {
    it(`--by ${by} --vary ${vary} → ${target} µm within 1 %`, async () => {
      const plan = base();
      const r = await solvePlan(plan, target, { by, vary });
      const solved =
        vary === "energy"
          ? { ...plan, pulse: { stack: 1, energyMj: r.energyMj } }
          : { ...plan, pattern: { ...plan.pattern, coverage: r.coverage } };
      const sim = await simulatePlan(solved, { scan: false });
      const got = by === "mean" ? sim.report.depth.meanUm : sim.report.depth.maxUm;
      expect(Math.abs(got / target - 1)).toBeLessThan(0.01);
      expect(r.converged).toBe(true);
    });
  }

  it("peak by energy matches the closed form η(F0 − Fth) = target", async () => {
    const r = await solvePlan(base(), 150, { by: "peak", vary: "energy" });
    // F0 = 5 + 150/4 = 42.5 J/cm² → E = F0·πw²/2 = 42.5 · π · 0.006² / 2 J
    expect(r.energyMj / ((42.5 * Math.PI * 0.006 ** 2) / 2) / 1000).toBeCloseTo(1, 2);
  });

  it("stack is the nearest whole number of pulses", async () => {
    const plan = base();
    const one = (await simulatePlan(plan, { scan: false })).report.depth.meanUm;
    const r = await solvePlan(plan, 3 * one, { vary: "stack" });
    expect(r.stack).toBe(3);
  });

  it("--vary coverage with --by peak is refused", async () => {
    await expect(solvePlan(base(), 100, { by: "peak", vary: "coverage" })).rejects.toThrow(PlanError);
  });
});
