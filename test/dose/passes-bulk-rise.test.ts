/**
 * The bulk rise (docs/bulk-heating.md) of a multi-pass treatment in the simulation report: heat
 * of every pass's pulses, checked against the closed form summed by hand over the spots' real
 * positions and times, and the same numbers as `scan --heat --bulk-rise` gives for the plan.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createArea } from "../../src/area/index.js";
import { simulatePlan } from "../../src/dose/simulate.js";
import { simulateFile } from "../../src/dose/simulate-file.js";
import { loadPlan } from "../../src/plan/load.js";
import { buildTreatment } from "../../src/sequence/treatment.js";
import { co2RiseByHand, twoCo2Spots } from "../helpers/bulk-rise.js";
import { runCli } from "../helpers/cli.js";

// Two 120 µm CO2 spots 100 µm apart at 10 mJ, fired in two identical passes: pass 1 fires onto
// the spots pass 0 has just heated, so its spots meet far more than pass 0's second spot.
const dir = mkdtempSync(join(tmpdir(), "passes-bulk-"));
const twoPass = join(dir, "two-pass.json");
writeFileSync(twoPass, JSON.stringify(twoCo2Spots("two-spots-two-passes", { passes: [{}, {}] })));

/**
 * The bulk rise each spot meets, K, summed by hand: the surface rise of a Gaussian column in a
 * half-space with an insulated surface, for every earlier pulse. By hand for this plan:
 * Q = Fth·(πw²/2)·(1 + ln(F0/Fth)) with Fth = 5 J/cm², w = 60 µm, s0 = w²/2, L = the total
 * coagulated depth at 10 mJ from the preset's table, κ = 0.13 mm²/s, ρc = 3.7 J/(cm³·K).
 */
function byHand(x: ArrayLike<number>, y: ArrayLike<number>, tMs: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) {
    let sum = 0;
    for (let j = 0; j < i; j++)
      sum += co2RiseByHand(Math.hypot(x[i] - x[j], y[i] - y[j]), (tMs[i] - tMs[j]) / 1000);
    out.push(sum);
  }
  return out;
}

const stats = (v: number[]) => {
  const sorted = [...v].sort((a, b) => a - b);
  return {
    maxC: sorted[sorted.length - 1],
    p95C: sorted[Math.ceil(0.95 * sorted.length) - 1],
    meanC: v.reduce((a, b) => a + b, 0) / v.length,
  };
};

const near = (got: number | undefined, want: number, rel = 0.01) => {
  expect(got).toBeDefined();
  expect(Math.abs((got as number) / want - 1)).toBeLessThan(rel);
};

describe("bulk rise of a multi-pass plan in the simulation report", () => {
  const { plan, baseDir } = loadPlan(twoPass);
  const area = createArea(plan.area, baseDir);
  const { scan } = buildTreatment(plan, area);
  const want = stats(byHand(scan.xMm, scan.yMm, scan.tMs));

  it("the plan has 4 spots in 2 passes, and pass 1 meets the heat pass 0 left", () => {
    expect(scan.xMm.length).toBe(4);
    expect(Array.from(scan.pass ?? [])).toEqual([0, 0, 1, 1]);
    // Pass 1's spots sit on pass 0's, a few ms later: tens of kelvin, far above pass 0's.
    expect(want.maxC).toBeGreaterThan(20);
  });

  it("simulatePlan({ bulkRise }) reports heat.maxC / p95C / meanC as the closed form, within 1 %", async () => {
    const { report } = await simulatePlan(plan, { baseDir, threads: 1, bulkRise: true });
    near(report.heat?.maxC, want.maxC);
    near(report.heat?.p95C, want.p95C);
    near(report.heat?.meanC, want.meanC);
    expect(report.passes).toHaveLength(2);
    // Without the flag the report stays as it was: no kelvin keys.
    const plain = await simulatePlan(plan, { baseDir, threads: 1 });
    expect(plain.report.heat?.maxC).toBeUndefined();
    expect(plain.report.heat?.max).toBe(report.heat?.max);
  });

  it("simulateFile: a multi-pass plan and its multi-pass scan file report the rise and its warning", async () => {
    const level = 50;
    const over = byHand(scan.xMm, scan.yMm, scan.tMs).filter((v) => v > level).length;
    const fromPlan = await simulateFile(twoPass, { threads: 1, bulkRise: true, maxBulkRiseC: level });
    near(fromPlan.sim.report.heat?.maxC, want.maxC);
    expect(over).toBeGreaterThan(0);
    expect(over).toBeLessThan(4);
    expect(fromPlan.sim.report.warnings.join("\n")).toContain(
      `${over} of 4 spots meet a bulk temperature rise above ${level} K`,
    );
    const file = join(dir, "two-pass.scan.json");
    expect(runCli(["scan", twoPass, "-o", file]).code).toBe(0);
    const fromFile = await simulateFile(file, { threads: 1, bulkRise: true });
    near(fromFile.sim.report.heat?.meanC, want.meanC);
    const without = await simulateFile(file, { threads: 1 });
    expect(without.sim.report.heat?.maxC).toBeUndefined();
  });
});

describe("simulate --bulk-rise on multi-pass plans (CLI)", () => {
  it("prints and writes the kelvin stats of a two-pass plan, as scan --heat --bulk-rise does", () => {
    const file = join(dir, "cli.scan.json");
    const s = runCli(["scan", twoPass, "--heat", "--bulk-rise", "--json", "-o", file]);
    expect(s.code, s.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(file, "utf8"));
    const want = stats(byHand(doc.spots.xMm, doc.spots.yMm, doc.spots.tMs));
    const r = runCli(["simulate", twoPass, "--bulk-rise", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const heat = JSON.parse(r.stdout).heat;
    near(heat.maxC, want.maxC);
    near(heat.p95C, want.p95C);
    near(heat.meanC, want.meanC);
    // scan rounds to 1e-6 K in its stats; simulate keeps the full number.
    const scanned = JSON.parse(s.stdout).heat;
    for (const k of ["maxC", "p95C", "meanC"]) expect(Math.abs(heat[k] - scanned[k])).toBeLessThan(1e-6);
    const t = runCli(["simulate", twoPass, "--max-bulk-rise-c", "1"]);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/bulk rise max \/ p95 \/ mean\s+\d/);
    const over = byHand(doc.spots.xMm, doc.spots.yMm, doc.spots.tMs).filter((v) => v > 1).length;
    expect(t.stdout).toContain(`warning: ${over} of 4 spots meet a bulk temperature rise above 1 K`);
  });

  it("patterns/micro-peel-3pass.json: simulate --bulk-rise gives scan's kelvin stats", () => {
    const s = JSON.parse(runCli(["scan", "patterns/micro-peel-3pass.json", "--bulk-rise", "--json"]).stdout);
    const r = runCli(["simulate", "patterns/micro-peel-3pass.json", "--bulk-rise", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const heat = JSON.parse(r.stdout).heat;
    expect(s.heat.maxC).toBeGreaterThan(0);
    for (const k of ["maxC", "p95C", "meanC"]) expect(Math.abs(heat[k] - s.heat[k])).toBeLessThan(1e-6);
  });
});
