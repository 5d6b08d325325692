import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createArea } from "../../src/area/index.js";
import { craterVolumeUm3, doseModel } from "../../src/dose/ablation.js";
import { simulatePlan } from "../../src/dose/simulate.js";
import { simulateFile } from "../../src/dose/simulate-file.js";
import { writeFileAtomic } from "../../src/io/atomic.js";
import { scanFileJson, scanStats } from "../../src/io/scanfile.js";
import { resolvePlan } from "../../src/plan/load.js";
import { expandPasses } from "../../src/plan/passes.js";
import { buildTreatment } from "../../src/sequence/treatment.js";
import { rawPlan } from "../helpers/plans.js";

const plan = (patch: Record<string, unknown>) => resolvePlan(rawPlan(patch), ".");

// A square lattice of 1 mm pitch on a 10 mm square: 100 spots, craters far apart, centred on
// 10 µm pixels (offset half a pixel); passes shifted by whole pixels (0.2 mm) land between
// them, all craters inside the area.
const H = 0.005;
const BASE = {
  pattern: { lattice: "square", coverage: undefined, pitchUm: 1000, seed: 1, offsetMm: [H, H] },
  area: { shape: "rect", widthMm: 10, heightMm: 10 },
  pulse: { energyMj: 10, stack: 1 },
};

describe("multi-pass dose (docs/passes.md)", () => {
  it("n non-overlapping passes give n × the spots and n × the mean depth of one pass (= N·V/A)", async () => {
    const one = await simulatePlan(plan(BASE));
    const model = doseModel(plan(BASE));
    const v = craterVolumeUm3(model);
    // Mean depth over the area: spots × crater volume / area (µm³ / µm²).
    expect(one.report.depth.meanUm).toBeCloseTo((100 * v) / 1e8, 2);
    for (const n of [2, 3]) {
      const passes = Array.from({ length: n }, (_, k) => ({
        pattern: { offsetMm: [H + 0.2 * k, H + 0.2 * k] },
      }));
      const multi = await simulatePlan(plan({ ...BASE, passes }));
      expect(multi.report.spots).toBe(n * 100);
      expect(multi.report.depth.meanUm).toBeCloseTo((n * 100 * v) / 1e8, 2);
      expect(multi.report.depth.meanUm / one.report.depth.meanUm).toBeCloseTo(n, 6);
      expect(multi.report.passes).toHaveLength(n);
      for (const p of multi.report.passes ?? []) {
        expect(p.spots).toBe(100);
        expect(p.depth.meanUm).toBeCloseTo(one.report.depth.meanUm, 9);
      }
      // Treatment time: sum of the passes (no gap).
      const sum = (multi.report.passes ?? []).reduce((a, p) => a + (p.treatmentMs ?? 0), 0);
      expect(multi.report.treatmentMs).toBeCloseTo(sum, 9);
    }
  });

  it("the same spots fired at E1 then E2 peak at depth(E1) + depth(E2)", async () => {
    const p = plan({ ...BASE, passes: [{ pulse: { energyMj: 6 } }, { pulse: { energyMj: 15 } }] });
    const [a, b] = expandPasses(p);
    const peak = doseModel(a).peakDepthUm + doseModel(b).peakDepthUm;
    const sim = await simulatePlan(p);
    // Spot centres on pixel centres: the raster samples the peaks (float32).
    expect(sim.report.depth.maxUm / peak).toBeCloseTo(1, 5);
    const [pa, pb] = sim.report.passes ?? [];
    expect(pa.depth.maxUm / doseModel(a).peakDepthUm).toBeCloseTo(1, 5);
    expect(pb.depth.maxUm / doseModel(b).peakDepthUm).toBeCloseTo(1, 5);
    expect(sim.report.depth.maxUm).toBeCloseTo(pa.depth.maxUm + pb.depth.maxUm, 3);
  });

  it("a multi-pass scan file simulates to the same report as its plan", async () => {
    const p = plan({
      ...BASE,
      passes: [{}, { pattern: { offsetMm: [H + 0.3, H + 0.3] }, pulse: { energyMj: 20 } }],
      scanner: { passGapMs: 100, aim: { loops: 1 } },
    });
    const area = createArea(p.area);
    const t = buildTreatment(p, area);
    const dir = mkdtempSync(join(tmpdir(), "passes-"));
    const file = join(dir, "scan.json");
    writeFileAtomic(file, scanFileJson(p, area, t.scan, scanStats(p, area, t.scan)));
    const fromFile = await simulateFile(file);
    const fromPlan = await simulatePlan(p);
    expect(fromFile.sim.report.spots).toBe(200);
    expect(fromFile.sim.report.depth.meanUm).toBeCloseTo(fromPlan.report.depth.meanUm, 6);
    expect(fromFile.sim.report.depth.maxUm).toBeCloseTo(fromPlan.report.depth.maxUm, 6);
    expect(fromFile.sim.report.passes?.map((q) => q.spots)).toEqual([100, 100]);
    expect(fromPlan.report.aimMs).toBeGreaterThan(0);
    expect(fromFile.sim.report.aimMs).toBeCloseTo(fromPlan.report.aimMs ?? 0, 5);
  });
});
