/**
 * Every named plan validates and reaches the depth its name or description states,
 * within 10 %. The expected numbers come from the presets' published anchors and the closed
 * forms of docs/model.md, worked out by hand in the comments, not from running the code.
 */
import { describe, expect, it } from "vitest";
import { simulatePlan } from "../../src/dose/simulate.js";
import { loadPlan } from "../../src/plan/load.js";
import { planNames } from "../../src/plan/presets.js";

/** Er:YAG (η 4.8, Fth 1.7), 2 mm Gaussian spots, coverage 3: mean = 3·(η/2)·(F0 − Fth − Fth·ln(F0/Fth)). */
function erYagFullFieldMeanUm(energyMj: number, stack: number): number {
  const f0 = (2 * energyMj * 1e-3) / (Math.PI * 0.1 ** 2);
  return stack * 3 * 2.4 * (f0 - 1.7 - 1.7 * Math.log(f0 / 1.7));
}

const EXPECTED: Record<string, { metric: "depth.meanUm" | "depth.maxUm" | "coagulation.maxUm"; um: number }> =
  {
    // co2-10600 calibration: 10 mJ on 120 µm → 310 µm peak (the table point)
    "fractional-co2-demo": { metric: "depth.maxUm", um: 310 },
    // 136 mJ: F0 = 8.66 J/cm² → 3·2.4·(8.66 − 1.7 − 1.7·ln 5.09) = 30.2 µm
    "micro-peel-30um": { metric: "depth.meanUm", um: erYagFullFieldMeanUm(136, 1) },
    // 188 mJ × 3 pulses: F0 = 11.97 J/cm² → 150 µm
    "resurfacing-150um": { metric: "depth.meanUm", um: erYagFullFieldMeanUm(188, 3) },
    // co2-10600 calibration: 40 mJ → 1000 µm peak
    "fractional-co2-deep": { metric: "depth.maxUm", um: 1000 },
    // Er:YAG 10 mJ on 250 µm: F0 = 40.7 J/cm² → 4.8·(40.7 − 1.7) = 187 µm
    "fractional-erbium": { metric: "depth.maxUm", um: 4.8 * ((2 * 10e-3) / (Math.PI * 0.0125 ** 2) - 1.7) },
    // erglass-1550 calibration: 10 mJ → 470 µm column
    "nonablative-1550": { metric: "coagulation.maxUm", um: 470 },
  };

describe("named plans", () => {
  it("every plan in patterns/ has an expected depth here", () => {
    expect(planNames().sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it("the hand-worked targets are the depths in the names", () => {
    expect(EXPECTED["micro-peel-30um"].um).toBeCloseTo(30, 0);
    expect(EXPECTED["resurfacing-150um"].um).toBeGreaterThan(148);
    expect(EXPECTED["resurfacing-150um"].um).toBeLessThan(152);
  });

  it.each(Object.entries(EXPECTED))("%s validates and reaches its depth within 10 %", async (name, want) => {
    const { plan, baseDir } = loadPlan(name);
    const { report } = await simulatePlan(plan, { baseDir, scan: false, threads: 1 });
    const [block, key] = want.metric.split(".") as ["depth" | "coagulation", "meanUm" | "maxUm"];
    const got = (report[block] as Record<string, number>)[key];
    expect(Math.abs(got / want.um - 1)).toBeLessThan(0.1);
  });
});
