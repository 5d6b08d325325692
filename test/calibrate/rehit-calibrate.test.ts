/**
 * `laserscan calibrate` with stacked measurements (docs/rehit.md, docs/calibration.md): rows with
 * an `intervalMs` fit the laser's re-hit table. A stack of n pulses Δt apart on fresh skin is
 * D = d1·(1 + (n − 1)·e(Δt)) in the splat, so the fit recovers a known table from synthetic stacks
 * built with that closed form, the simulator then reproduces the stacks, Kaufmann & Hibst's
 * Er:YAG rates give 1.25× one pulse for two pulses at 10 Hz, and bad rows stop with the row and
 * column named.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { parseMeasurements } from "../../src/calibrate/csv.js";
import { fitLaser } from "../../src/calibrate/fit.js";
import { fitReHitFromStacks, REHIT_TAIL_FACTOR } from "../../src/calibrate/rehit.js";
import { doseModelFor } from "../../src/dose/ablation.js";
import { makeBeam } from "../../src/dose/beam.js";
import { reHitEfficiency } from "../../src/dose/rehit.js";
import { simulateSpots } from "../../src/dose/simulate.js";
import { closeWorkers, splatDose } from "../../src/dose/splat.js";
import { PlanError } from "../../src/errors.js";
import { uniform } from "../../src/pattern/random.js";
import { laserPreset } from "../../src/plan/presets.js";
import { type Laser, laserSchema } from "../../src/plan/schema.js";
import { parseWith } from "../../src/plan/validate.js";
import { rect, spotsOf, testPlan } from "../dose/helpers.js";
import { runCli } from "../helpers/cli.js";

afterAll(() => closeWorkers());

/** Steady-state laser: depth = η·(F − Fth), η 4 µm per J/cm², Fth 5 J/cm². */
const FROM: Laser = {
  name: "my-erbium",
  wavelengthNm: 2940,
  kind: "ablative",
  model: "steady-state",
  thresholdJcm2: 5,
  etaUmPerJcm2: 4,
  coagulationUm: 20,
};
const ETA = 4.5;
const FTH = 2;
/** A flat 1 mm spot: average fluence = peak fluence = E / (π (0.05 cm)²). */
const SPOT_UM = 1000;
const mjAt = (f: number) => f * Math.PI * 0.05 ** 2 * 1000;
/** The known table the synthetic stacks come from. */
const TRUE_TABLE: [number, number][] = [
  [20, 0.3],
  [100, 0.45],
  [500, 0.8],
  [2000, 1],
];

function csv(header: string, rows: (string | number)[][]): string {
  return `${header}\n${rows.map((r) => r.join(",")).join("\n")}\n`;
}

/** Single pulses at 4 fluences and stacks of 2, 3 and 6 pulses at each table interval, ±`noise`. */
function syntheticRows(seed: number, noise: number): (string | number)[][] {
  const u = uniform(seed);
  const n = (v: number) => v * Math.exp(noise * (2 * u() - 1));
  const rows: (string | number)[][] = [];
  for (const f of [6, 10, 15, 25]) rows.push([SPOT_UM, f, 1, "", +n(ETA * (f - FTH)).toFixed(3), "tophat"]);
  for (const [t, e] of TRUE_TABLE)
    for (const [f, p] of [
      [10, 2],
      [15, 3],
      [25, 6],
    ])
      rows.push([SPOT_UM, f, p, t, +n(ETA * (f - FTH) * (1 + (p - 1) * e)).toFixed(3), "tophat"]);
  return rows;
}
const HEADER = "spotUm,fluenceJcm2,pulses,intervalMs,depthUm,profile";

/** Deepest point of one flat 1 mm spot of `pulses` pulses `periodMs` apart, simulated. */
async function simulatedStack(laser: Laser, fJcm2: number, pulses: number, periodMs: number) {
  const model = doseModelFor(laser, makeBeam("tophat", SPOT_UM / 2, mjAt(fJcm2)));
  const res = await splatDose(spotsOf([1.5], [1.5]), pulses, model, rect(3, 3), 10, {
    threads: 1,
    firing: { order: [0], tMs: [0], periodMs },
  });
  const r = res.raster;
  if (!r) throw new Error("no raster");
  return r.data[150 * r.width + 150];
}

describe("the re-hit table from stacked measurements", () => {
  it("recovers a known table from noise-free stacks exactly and from 3 % noisy stacks within 0.05", () => {
    const exact = fitLaser(FROM, parseMeasurements(csv(HEADER, syntheticRows(1, 0))), "steady-state");
    expect(exact.laser.etaUmPerJcm2).toBeCloseTo(ETA, 3);
    expect(exact.laser.thresholdJcm2).toBeCloseTo(FTH, 3);
    expect(exact.laser.reHit?.map((r) => r[0])).toEqual(TRUE_TABLE.map((r) => r[0]));
    for (let k = 0; k < TRUE_TABLE.length; k++)
      expect(exact.laser.reHit?.[k][1]).toBeCloseTo(TRUE_TABLE[k][1], 3);
    expect(exact.warnings).toEqual([]);
    expect(exact.laser.fit?.rows).toBe(4 + 12);
    expect(exact.laser.dataRange?.pulses).toEqual([1, 6]);
    // The written laser is a valid laser.
    expect(() => parseWith(laserSchema, exact.laser, "laser")).not.toThrow();

    const noisy = fitLaser(FROM, parseMeasurements(csv(HEADER, syntheticRows(5, 0.03))), "steady-state");
    const table = noisy.laser.reHit ?? [];
    // The measured intervals, then (when the noisy e at 2000 ms came out below 1) the return to 1.
    expect(table.slice(0, 4).map((r) => r[0])).toEqual(TRUE_TABLE.map((r) => r[0]));
    expect(table.length).toBeLessThanOrEqual(5);
    for (const [t, e] of TRUE_TABLE) expect(Math.abs(reHitEfficiency(table, t) - e)).toBeLessThan(0.05);
    expect(table.every(([, e]) => e > 0 && e <= 1)).toBe(true);
  });

  it("the simulator with the fitted laser reproduces every stacked measurement (noise-free: within 0.1 %)", async () => {
    const rows = syntheticRows(1, 0);
    const fit = fitLaser(FROM, parseMeasurements(csv(HEADER, rows)), "steady-state");
    for (const [, f, p, t, d] of rows.filter((r) => r[3] !== "")) {
      const sim = await simulatedStack(fit.laser, f as number, p as number, t as number);
      expect(Math.abs(sim / (d as number) - 1)).toBeLessThan(1e-3);
    }
    // The residuals the command prints agree.
    for (const r of fit.residuals) expect(Math.abs(r.fittedUm / r.measuredUm - 1)).toBeLessThan(2e-3);
  });

  it("least squares over several rows at one interval: e = Σ(n − 1)·(D/d1 − 1) / Σ(n − 1)²", () => {
    // d1 = 40: a 2-stack at 60 µm says e = 0.5, a 5-stack at 120 µm says e = 0.5 too,
    // a 3-stack at 80 µm says e = 0.5; then move the 5-stack to 136 µm (e = 0.6):
    // e = (1·0.5 + 4·2.4) / (1 + 16) = 10.1 / 17.
    const mk = (row: number, pulses: number, depthUm: number) => ({
      row,
      pulses,
      intervalMs: 100,
      depthUm,
      singleUm: 40,
      energyColumn: "fluenceJcm2",
    });
    expect(fitReHitFromStacks([mk(1, 2, 60), mk(2, 5, 120), mk(3, 3, 80)]).table[0]).toEqual([100, 0.5]);
    const two = fitReHitFromStacks([mk(1, 2, 60), mk(2, 5, 136)]);
    expect(two.intervals[0].fitted).toBeCloseTo(10.1 / 17, 12);
    expect(two.table).toEqual([
      [100, +(10.1 / 17).toPrecision(4)],
      [100 * REHIT_TAIL_FACTOR, 1],
    ]);
    expect(two.warnings.join()).toMatch(/returns to 1 at 1000 ms/);
  });

  it("any stacks with e in (0, 1]: the table has increasing intervals, e in (0, 1], and reproduces each interval's e", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }),
        fc.integer({ min: 2, max: 9 }),
        (ts, es, pulses) => {
          const stacks = ts.map((t, k) => ({
            row: k + 1,
            pulses,
            intervalMs: t,
            depthUm: 30 * (1 + (pulses - 1) * es[k]),
            singleUm: 30,
            energyColumn: "energyMj",
          }));
          const { table } = fitReHitFromStacks(stacks);
          for (let k = 1; k < table.length; k++) if (!(table[k][0] > table[k - 1][0])) return false;
          if (!table.every(([, e]) => e > 0 && e <= 1)) return false;
          return ts.every((t, k) => Math.abs(reHitEfficiency(table, t) - es[k]) < 1e-3);
        },
      ),
    );
  });
});

describe("Kaufmann & Hibst 1996 Er:YAG (40 µm per pulse at 1 Hz, 10 µm at 10 Hz, 10 J/cm²)", () => {
  const rows = parseMeasurements(readFileSync("patterns/lasers/data/er-yag-2940-stacks.csv", "utf8"));
  const fit = fitLaser(laserPreset("er-yag-2940"), rows, "steady-state");

  it("fits e(100 ms) = 10/40 and e(1000 ms) = 1", () => {
    expect(reHitEfficiency(fit.laser.reHit ?? [], 100)).toBeCloseTo(10 / 40, 3);
    expect(reHitEfficiency(fit.laser.reHit ?? [], 999.999)).toBeCloseTo(1, 3);
    expect(fit.residuals.map((r) => r.source)).toContain(
      "Kaufmann & Hibst 1996 (10 µm per pulse at 10 Hz after the first)",
    );
  });

  it("the simulator stacks 2 pulses at 10 Hz to ≈ 1.25 × one pulse and at 1 Hz to ≈ 2 ×", async () => {
    const one = await simulatedStack(fit.laser, 10, 1, 100);
    expect(one).toBeCloseTo(40, 1);
    expect((await simulatedStack(fit.laser, 10, 2, 100)) / one).toBeCloseTo(1.25, 3);
    expect((await simulatedStack(fit.laser, 10, 2, 1000)) / one).toBeCloseTo(2, 3);
  });
});

describe("bad stacked rows stop with the row and column named", () => {
  const base =
    "spotUm,fluenceJcm2,pulses,intervalMs,depthUm,profile\n2000,5,1,,15.9,tophat\n2000,10,1,,40,tophat\n";
  const fails = (row: string, message: RegExp) => {
    const run = () => fitLaser(FROM, parseMeasurements(`${base}${row}\n`), "steady-state");
    expect(run).toThrow(PlanError);
    expect(run).toThrow(message);
  };
  it("an interval ≤ 0 or not a number, a stack of one pulse, a stack no deeper than one pulse", () => {
    fails("2000,10,2,0,50,tophat", /^row 3, column intervalMs: "0" is not allowed/);
    fails("2000,10,2,-100,50,tophat", /^row 3, column intervalMs: "-100"/);
    fails("2000,10,2,fast,50,tophat", /^row 3, column intervalMs: "fast"/);
    fails("2000,10,1,100,50,tophat", /^row 3, column pulses: "1" is not allowed.*≥ 2/);
    fails("2000,10,,100,50,tophat", /^row 3, column pulses: 1 is not allowed/);
    fails(
      "2000,10,3,100,40,tophat",
      /^row 3, column depthUm: 40 is not allowed.*a stack deeper than one pulse/,
    );
    fails("2000,10,3,100,30,tophat", /^row 3, column depthUm: 30 is not allowed.*outside \(0, 1\]/);
    // Only stacks: nothing to compare them with.
    expect(() =>
      fitLaser(
        FROM,
        parseMeasurements(`${HEADER}\n2000,10,2,100,50,tophat\n2000,20,2,100,90,tophat\n`),
        "steady-state",
      ),
    ).toThrow(/^row 1, column intervalMs: 100 is not allowed; required: rows without an intervalMs/);
    // A stack at an energy the fitted single pulse does not ablate.
    fails("2000,1,2,100,5,tophat", /^row 3, column fluenceJcm2: 0 is not allowed/);
  });

  it("an efficiency above 1 is capped at 1 with a warning", () => {
    const fit = fitLaser(FROM, parseMeasurements(`${base}2000,10,2,300,88,tophat\n`), "steady-state");
    expect(fit.laser.reHit).toEqual([[300, 1]]);
    expect(fit.reHit?.intervals[0].fitted).toBeCloseTo(1.2, 2);
    expect(fit.warnings.join()).toMatch(/at 300 ms fitted as 1\.2\d* \(row 3\): capped at 1/);
  });

  it("without an intervalMs column nothing changes: no reHit fitted, the base laser's kept", () => {
    const rows = parseMeasurements(
      "spotUm,fluenceJcm2,pulses,depthUm,profile\n2000,5,1,16,tophat\n2000,10,2,80,tophat\n",
    );
    const fit = fitLaser(laserPreset("er-yag-2940"), rows, "steady-state");
    expect(fit.reHit).toBeUndefined();
    expect(fit.warnings).toEqual([]);
    expect(fit.laser.reHit).toEqual(laserPreset("er-yag-2940").reHit);
    expect(rows.every((m) => !("intervalMs" in m))).toBe(true);
  });
});

describe("simulateSpots with a re-hit laser and no firing times", () => {
  it("is a PlanError naming firing (the CLI's exit 2), not a bug", async () => {
    const plan = testPlan({ laser: laserPreset("er-yag-2940") });
    const input = { plan, area: rect(1, 1), spots: spotsOf([0.5], [0.5]), pulses: 1 };
    await expect(simulateSpots(input, { threads: 1 })).rejects.toThrow(PlanError);
    await expect(simulateSpots(input, { threads: 1 })).rejects.toThrow(
      /^firing: missing; required for a laser with a re-hit table/,
    );
    // With the firing times it runs.
    const ok = await simulateSpots({ ...input, firing: () => ({ order: [0], tMs: [0] }) }, { threads: 1 });
    expect(ok.report.depth.maxUm).toBeGreaterThan(0);
    // splatDose directly: the same user error, also for firing of the wrong length.
    const model = doseModelFor(plan.laser, makeBeam("gaussian", 60, 10));
    await expect(splatDose(spotsOf([0.5], [0.5]), 1, model, rect(1, 1), 10, { threads: 1 })).rejects.toThrow(
      PlanError,
    );
    await expect(
      splatDose(spotsOf([0.5], [0.5]), 1, model, rect(1, 1), 10, {
        threads: 1,
        firing: { order: [0, 1], tMs: [0, 1], periodMs: 100 },
      }),
    ).rejects.toThrow(/^firing: "2 order and 2 time entries" is not allowed/);
  });
});

describe("laserscan calibrate with stacks (built CLI)", () => {
  const dir = mkdtempSync(join(tmpdir(), "laserscan-calrh-"));
  const example = join(process.cwd(), "patterns/lasers/data/er-yag-2940-stacks.csv");

  it("writes the fitted reHit into the laser file and prints it with the interval column", () => {
    const r = runCli(
      ["calibrate", example, "--model", "steady-state", "--from", "er-yag-2940", "-o", "l.json"],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/reHit \[interval ms, efficiency\]: \[\[100,0\.25\],\[1000,1\]\]/);
    expect(r.stdout).toMatch(/pulses {2}interval ms {2}what/);
    const laser = JSON.parse(readFileSync(join(dir, "l.json"), "utf8"));
    expect(laser.reHit).toEqual([
      [100, 0.25],
      [1000, 1],
    ]);
    const j = runCli(
      ["calibrate", example, "--model", "steady-state", "--from", "er-yag-2940", "-o", "l2.json", "--json"],
      dir,
    );
    expect(j.code).toBe(0);
    const out = JSON.parse(j.stdout);
    expect(out.reHit).toEqual(laser.reHit);
    expect(out.residuals.filter((x: { intervalMs?: number }) => x.intervalMs !== undefined)).toHaveLength(2);
  });

  it("a bad stacked row is exit 2 with one line naming the row and column, nothing written", () => {
    writeFileSync(
      join(dir, "bad.csv"),
      "spotUm,fluenceJcm2,pulses,intervalMs,depthUm,profile\n2000,5,1,,15.9,tophat\n2000,10,1,,40,tophat\n2000,10,1,100,50,tophat\n",
    );
    const r = runCli(
      ["calibrate", "bad.csv", "--model", "steady-state", "--from", "er-yag-2940", "-o", "bad.json"],
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/row 3, column pulses/);
    expect(existsSync(join(dir, "bad.json"))).toBe(false);
  });
});
