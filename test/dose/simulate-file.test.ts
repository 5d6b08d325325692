/**
 * Simulating what a user names (a plan file or a scan file), through the library function the
 * `simulate` command calls, and the map files it writes and `render` reads.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createArea } from "../../src/area/index.js";
import { isScanFile, simulateFile } from "../../src/dose/simulate-file.js";
import { closeWorkers } from "../../src/dose/splat.js";
import { PlanError } from "../../src/errors.js";
import { checkMapPath, readMap, writeMap } from "../../src/io/maps.js";
import { scanFileJson, scanStats } from "../../src/io/scanfile.js";
import { generatePattern } from "../../src/pattern/index.js";
import { buildScan } from "../../src/sequence/index.js";
import { STEADY, testPlan } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "laserscan-simfile-"));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeWorkers();
});

// Square lattice, pitch 0.5 mm, on 4 × 3 mm: spots at pitch·(i + ½), 8 × 6 = 48 of them, every
// crater (radius w·√(ln(F0/Fth)/2) ≈ 57 µm) well inside. Steady-state, one pulse each:
// mean depth = N·V / area, V = (π·η·w²/2)·(F0 − Fth − Fth·ln(F0/Fth)).
const W_UM = 60;
const F0 = (2 * 10e-3) / (Math.PI * (W_UM * 1e-4) ** 2);
const V_UM3 = ((Math.PI * STEADY.etaUmPerJcm2 * W_UM ** 2) / 2) * (F0 - 5 - 5 * Math.log(F0 / 5));
const PLAN = {
  version: 1,
  name: "square-48",
  laser: STEADY,
  spot: { diameterUm: 120 },
  pulse: { energyMj: 10 },
  pattern: { lattice: "square", pitchUm: 500 },
  area: { shape: "rect", widthMm: 4, heightMm: 3 },
  sequence: { order: "serpentine" },
  raster: { pixelUm: 5 },
};

describe("simulateFile", () => {
  const planPath = join(dir, "plan.json");
  writeFileSync(planPath, JSON.stringify(PLAN));

  it("simulates a plan file: spot count and mean depth match their closed forms", async () => {
    expect(isScanFile(planPath)).toBe(false);
    const { sim, plan, area } = await simulateFile(planPath, { keepDepth: true });
    expect(plan.name).toBe("square-48");
    expect(area.areaMm2).toBeCloseTo(12, 9);
    expect(sim.report.spots).toBe(48);
    const meanUm = (48 * V_UM3) / 12e6;
    expect(Math.abs(sim.report.depth.meanUm - meanUm) / meanUm).toBeLessThan(0.02);
    expect(sim.depth?.width).toBe(800);
    expect(sim.depth?.height).toBe(600);
    expect(sim.report.treatmentMs).toBeGreaterThan(0);
  });

  it("applies overrides by plan key: halving the pitch quadruples the spots", async () => {
    const { sim } = await simulateFile(planPath, { overrides: { "pattern.pitchUm": 250 }, keepDepth: false });
    expect(sim.report.spots).toBe(16 * 12);
    expect(sim.depth).toBeUndefined();
  });

  it("simulates a scan file's spots exactly, and refuses overrides that would move them", async () => {
    const plan = testPlan({ pattern: { lattice: "square", pitchUm: 500, coverage: undefined } });
    const area = createArea(plan.area);
    const scan = buildScan(plan, area, generatePattern(plan, area));
    const scanPath = join(dir, "scan.json");
    writeFileSync(scanPath, scanFileJson(plan, area, scan, scanStats(plan, area, scan)));
    expect(isScanFile(scanPath)).toBe(true);
    const { sim } = await simulateFile(scanPath, { keepDepth: false });
    expect(sim.report.spots).toBe(100); // 5 × 5 mm at 0.5 mm: 10 × 10
    expect(sim.report.treatmentMs).toBeCloseTo(scan.treatmentMs, 5);
    const doubled = await simulateFile(scanPath, { overrides: { "pulse.energyMj": 20 }, keepDepth: false });
    expect(doubled.sim.report.depth.maxUm).toBeGreaterThan(sim.report.depth.maxUm);
    await expect(simulateFile(scanPath, { overrides: { "pattern.coverage": 0.2 } })).rejects.toThrow(
      PlanError,
    );
    await expect(simulateFile(scanPath, { overrides: { "pattern.coverage": 0.2 } })).rejects.toThrow(
      /pattern\.coverage/,
    );
  });
});

describe("map files", () => {
  const raster = {
    data: Float32Array.from([0, 1.5, 2.25, 300]),
    width: 2,
    height: 2,
    pixelUm: 10,
    originMm: [0, 0] as const,
  };

  it("write and read back .npy exactly and 16-bit .png to within half a count", async () => {
    await writeMap(join(dir, "m.npy"), raster);
    expect(Array.from((await readMap(join(dir, "m.npy"), 10, [0, 0])).data)).toEqual([0, 1.5, 2.25, 300]);
    await writeMap(join(dir, "m.png"), raster);
    const back = await readMap(join(dir, "m.png"), 10, [0, 0]);
    // 300 µm over 65,535 counts, 3 significant digits rounded up: 0.00458 µm per count.
    for (let p = 0; p < 4; p++)
      expect(Math.abs(back.data[p] - raster.data[p])).toBeLessThanOrEqual(0.00458 / 2);
  });

  it("refuse other extensions, naming the flag", async () => {
    await expect(checkMapPath(join(dir, "m.tif"), "--depth")).rejects.toThrow(/--depth/);
    await expect(readMap(join(dir, "m.tif"), 10, [0, 0])).rejects.toThrow(PlanError);
  });
});
