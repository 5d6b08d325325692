/**
 * Every named plan validates and reaches the depth its name or description states,
 * within 10 %. The expected numbers come from the presets' published anchors and the closed
 * forms of docs/model.md, worked out by hand in the comments, not from running the code.
 */
import { describe, expect, it } from "vitest";
import { simulatePlan } from "../../src/dose/simulate.js";
import { loadPlan } from "../../src/plan/load.js";
import { planNames } from "../../src/plan/presets.js";

/** Er:YAG η from its one measured point: 40 µm at 10 J/cm² flat beam, Fth 1.7 (Kaufmann & Hibst 1996). */
const ETA_ER_YAG = 40 / (10 - 1.7);
/**
 * Er:YAG 2 mm Gaussian spots at a coverage: mean = stack·coverage·(η/2)·(F0 − Fth − Fth·ln(F0/Fth)),
 * every pulse at full efficiency (the plans keep overlapping craters mostly more than 1 s apart,
 * where the re-hit table gives 1: docs/rehit.md).
 */
function erYagFullFieldMeanUm(energyMj: number, stack: number, coverage = 3): number {
  const f0 = (2 * energyMj * 1e-3) / (Math.PI * 0.1 ** 2);
  return stack * coverage * (ETA_ER_YAG / 2) * (f0 - 1.7 - 1.7 * Math.log(f0 / 1.7));
}
/** CO2 120 µm tip, in vivo face (eCO2 spot-size study): 520 µm at 80 mJ, 900 µm at 160 mJ; power law between. */
const CO2_120_EXPONENT = Math.log(900 / 520) / Math.log(160 / 80);

const EXPECTED: Record<string, { metric: "depth.meanUm" | "depth.maxUm" | "coagulation.maxUm"; um: number }> =
  {
    // co2-10600, 120 µm: 10 mJ is below the measured 80–160 mJ; the power law gives 520·(10/80)^0.794
    "fractional-co2-demo": { metric: "depth.maxUm", um: 520 * (10 / 80) ** CO2_120_EXPONENT },
    // 136 mJ: F0 = 8.66 J/cm² → 3·2.4·(8.66 − 1.7 − 1.7·ln 5.09) = 30.2 µm
    "micro-peel-30um": { metric: "depth.meanUm", um: erYagFullFieldMeanUm(136, 1) },
    // 188 mJ, one pulse per spot, coverage 9: F0 = 11.97 J/cm² → 9·2.4·6.95 = 150 µm
    "resurfacing-150um": { metric: "depth.meanUm", um: erYagFullFieldMeanUm(188, 1, 9) },
    // co2-10600, 120 µm: 160 mJ → 900 µm peak (a measured point)
    "fractional-co2-deep": { metric: "depth.maxUm", um: 900 },
    // Er:YAG 10 mJ on 250 µm: F0 = 40.7 J/cm² → 4.82·(40.7 − 1.7) = 188 µm
    "fractional-erbium": {
      metric: "depth.maxUm",
      um: ETA_ER_YAG * ((2 * 10e-3) / (Math.PI * 0.0125 ** 2) - 1.7),
    },
    // 4 passes of the demo's spots, kept apart by sub-pitch offsets: the peak stays one crater's
    "fractional-4pass": { metric: "depth.maxUm", um: 520 * (10 / 80) ** CO2_120_EXPONENT },
    // 3 passes at 75 mJ, coverage 3 each: F0 = 4.77 J/cm² → 3 × 3·2.4·(4.77 − 1.7 − 1.7·ln 2.81) = 28.6 µm
    "micro-peel-3pass": { metric: "depth.meanUm", um: 3 * erYagFullFieldMeanUm(75, 1) },
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
    const got = (report[block] as unknown as Record<string, number>)[key];
    expect(Math.abs(got / want.um - 1)).toBeLessThan(0.1);
  });
});
