import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PlanError } from "../../src/errors.js";
import { derive } from "../../src/plan/derived.js";
import { loadPlan, resolvePlan } from "../../src/plan/load.js";
import { SCANNER_DEFAULTS } from "../../src/plan/schema.js";
import { rawPlan } from "../helpers/plans.js";

function errorOf(fn: () => unknown): PlanError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PlanError) return e;
    throw e;
  }
  throw new Error("no PlanError thrown");
}

describe("plan schema (docs/formats.md)", () => {
  it("reads a plan file saved with a byte-order mark like one without", () => {
    const dir = mkdtempSync(join(tmpdir(), "bom-"));
    const text = JSON.stringify(rawPlan({}));
    writeFileSync(join(dir, "plain.json"), text);
    writeFileSync(join(dir, "bom.json"), `\uFEFF${text}`);
    expect(loadPlan(join(dir, "bom.json")).plan).toEqual(loadPlan(join(dir, "plain.json")).plan);
    writeFileSync(join(dir, "junk.json"), `\uFEFF${text.slice(1)}`);
    expect(errorOf(() => loadPlan(join(dir, "junk.json"))).message).toMatch(/not valid JSON/);
  });

  it("fills every documented default", () => {
    const plan = resolvePlan(rawPlan({ spot: undefined, sequence: undefined }), ".");
    expect(plan.spot).toEqual({ diameterUm: 120, profile: "gaussian" });
    expect(plan.scanner).toEqual(SCANNER_DEFAULTS);
    expect(plan.sequence).toMatchObject({ order: "raster", seed: 1, k: 3 });
    expect(plan.raster).toEqual({ pixelUm: 10 });
    expect(plan.pattern).toMatchObject({ rotationDeg: 0, offsetMm: [0, 0], seed: 1 });
  });

  it("derives energy from average fluence as E = F·πw² (docs/model.md)", () => {
    const plan = resolvePlan(rawPlan({ pulse: { energyMj: undefined, fluenceJcm2: 20 } }), ".");
    const d = derive(plan);
    // 20 J/cm² over π(0.006 cm)² = 2.2619e-3 J
    expect(d.energyMj).toBeCloseTo(20 * Math.PI * 0.006 ** 2 * 1000, 12);
    expect(d.peakFluenceJcm2).toBeCloseTo(40, 12);
  });

  it("coverage 12.6 % of 100 µm spots is 1,600 spots per cm²", () => {
    const plan = resolvePlan(rawPlan({ spot: { diameterUm: 100 }, pattern: { coverage: 0.12566 } }), ".");
    expect(derive(plan).densityPerCm2).toBeCloseTo(1600, 0);
  });

  it.each([
    ["unknown key with a suggestion", { patern: {} }, "patern", /did you mean "pattern"/],
    [
      "misspelt nested key",
      { pattern: { lattice: "hex", coverage: 0.1, seeds: 2 } },
      "pattern.seeds",
      /did you mean "seed"/,
    ],
    ["unknown lattice", { pattern: { lattice: "hexagon" } }, "pattern.lattice", /square \| hex/],
    [
      "two density settings",
      { pattern: { pitchUm: 300 } },
      "pattern",
      /exactly one of coverage, pitchUm, densityPerCm2/,
    ],
    ["coverage ≤ 0", { pattern: { coverage: 0 } }, "pattern.coverage", /> 0/],
    ["negative size", { area: { shape: "rect", widthMm: -1, heightMm: 2 } }, "area.widthMm", /> 0/],
    ["wrong type", { spot: { diameterUm: "120" } }, "spot.diameterUm", /finite number/],
    ["unknown shape", { area: { shape: "hexagon" } }, "area.shape", /did you mean|rect/],
    ["unknown order", { sequence: { order: "spiral" } }, "sequence.order", /raster \| serpentine/],
    [
      "pulse longer than the period",
      { scanner: { pulseUs: 2000, repRateHz: 1000 } },
      "scanner.pulseUs",
      /1000 µs/,
    ],
    [
      "two energies",
      { pulse: { energyMj: 10, fluenceJcm2: 5 } },
      "pulse",
      /exactly one of energyMj, fluenceJcm2/,
    ],
    ["newer version", { version: 2 }, "version", /newer version/],
    ["missing version", { version: undefined }, "version", /required/],
    [
      "inline laser without η",
      { laser: { name: "x", wavelengthNm: 2940, kind: "ablative", model: "steady-state", thresholdJcm2: 1 } },
      "laser.etaUmPerJcm2",
      /required/,
    ],
  ])("%s is a PlanError naming the field", (_, patch, field, allowed) => {
    const err = errorOf(() => resolvePlan(rawPlan(patch as Record<string, unknown>), "."));
    expect(err.field).toBe(field);
    expect(err.message).toMatch(allowed as RegExp);
    expect(err.message).not.toContain("\n");
  });

  it("an unknown laser preset lists the presets", () => {
    const err = errorOf(() => resolvePlan(rawPlan({ laser: "co2-1060" }), "."));
    expect(err.field).toBe("laser");
    expect(err.message).toMatch(/did you mean "co2-10600"/);
  });

  it("CLI overrides replace plan fields and keep exactly one density", () => {
    const plan = resolvePlan(rawPlan(), ".", { "pattern.pitchUm": 400, "sequence.order": "shortest" });
    expect(plan.pattern.pitchUm).toBe(400);
    expect(plan.pattern.coverage).toBeUndefined();
    expect(plan.sequence.order).toBe("shortest");
  });
});

describe("skin regions", () => {
  it("an unknown region is a PlanError listing the regions", () => {
    const err = errorOf(() => resolvePlan(rawPlan({ region: "cheeks" }), "."));
    expect(err.field).toBe("region");
    expect(err.message).toMatch(/did you mean "cheek"/);
  });
});
