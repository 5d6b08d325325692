/** Skin regions in the report: the layer each depth reaches, the dermis warning. */
import { describe, expect, it } from "vitest";
import { layerAt } from "../../src/dose/report.js";
import { simulatePlan } from "../../src/dose/simulate.js";
import { resolvePlan } from "../../src/plan/load.js";
import { REGIONS } from "../../src/plan/regions.js";
import { rawPlan } from "../helpers/plans.js";

describe("skin layers", () => {
  it("layerAt splits depth at the epidermis and the dermis", () => {
    expect(layerAt(0, 50, 1000)).toBe("none");
    expect(layerAt(50, 50, 1000)).toBe("epidermis");
    expect(layerAt(50.1, 50, 1000)).toBe("dermis");
    expect(layerAt(1050, 50, 1000)).toBe("dermis");
    expect(layerAt(1051, 50, 1000)).toBe("subcutis");
  });

  it("a deep channel on the eyelid reaches the subcutis and is warned about; the same on the cheek is not", async () => {
    // steady-state η 4, Fth 5: 40 mJ on 120 µm gives F0 = 707 J/cm² → peak 4·(707 − 5) = 2809 µm
    const eyelid = REGIONS.eyelid.epidermisUm + REGIONS.eyelid.dermisUm;
    const base = { pulse: { energyMj: 40 }, area: { shape: "rect", widthMm: 3, heightMm: 3 } };
    const deep = resolvePlan(rawPlan({ ...base, region: "eyelid" }), ".");
    const { report } = await simulatePlan(deep, { scan: false, threads: 1 });
    expect(report.depth.maxUm).toBeGreaterThan(eyelid);
    expect(report.region).toMatchObject({ name: "eyelid", peakLayer: "subcutis" });
    expect(report.warnings.some((w) => w.includes("eyelid dermis"))).toBe(true);
    const shallow = resolvePlan(rawPlan({ pulse: { energyMj: 2 }, area: base.area, region: "cheek" }), ".");
    const r2 = (await simulatePlan(shallow, { scan: false, threads: 1 })).report;
    expect(r2.region?.peakLayer).not.toBe("subcutis");
    expect(r2.warnings.some((w) => w.includes("dermis"))).toBe(false);
  });
});
