/**
 * `laserscan calibrate` (docs/calibration.md): each model recovers known parameters from
 * synthetic noisy data (seeded), bad data stop with one line naming row and column and nothing
 * written, and the written laser works in a plan inline and as a path relative to the plan.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseMeasurements } from "../../src/calibrate/csv.js";
import { averageFluence, fitLaser } from "../../src/calibrate/fit.js";
import { PlanError } from "../../src/errors.js";
import { uniform } from "../../src/pattern/random.js";
import { loadPlan } from "../../src/plan/load.js";
import type { Laser } from "../../src/plan/schema.js";
import { runCli } from "../helpers/cli.js";
import { rawPlan } from "../helpers/plans.js";

const FROM: Laser = {
  name: "my-co2",
  wavelengthNm: 10600,
  kind: "ablative",
  model: "steady-state",
  thresholdJcm2: 5,
  etaUmPerJcm2: 4,
  coagulationUm: 40,
};

/** ±`rel` multiplicative noise, seeded: exp(rel·(2u − 1)). */
function noisy(seed: number, rel: number) {
  const u = uniform(seed);
  return (v: number) => v * Math.exp(rel * (2 * u() - 1));
}

function csv(header: string, rows: (string | number)[][]): string {
  return `${header}\n${rows.map((r) => r.join(",")).join("\n")}\n`;
}

describe("fits recover known parameters from noisy synthetic data", () => {
  it("calibrated: a power law per spot size (D = 30·E^0.8 at 120 µm, 4·E^1.3 at 300 µm, 5 % noise)", () => {
    const n = noisy(7, 0.05);
    const rows: number[][] = [];
    for (const e of [5, 8, 12, 20, 30, 50, 80]) rows.push([120, e, 1, n(30 * e ** 0.8)]);
    for (const e of [20, 35, 60, 100, 150]) rows.push([300, e, 1, n(4 * e ** 1.3)]);
    const fit = fitLaser(FROM, parseMeasurements(csv("spotUm,energyMj,pulses,depthUm", rows)), "calibrated");
    expect(fit.params["spot 120 µm depth exponent"]).toBeCloseTo(0.8, 1);
    expect(fit.params["spot 300 µm depth exponent"]).toBeCloseTo(1.3, 1);
    const t120 = fit.laser.calibration?.spots?.[0].depth as [number, number][];
    const at20 = t120.find((p) => p[0] === 20)?.[1] as number;
    expect(Math.abs(at20 / (30 * 20 ** 0.8) - 1)).toBeLessThan(0.05);
    expect(fit.rmsLogError).toBeLessThan(0.05);
    expect(fit.laser.uncertaintyPct).toBeGreaterThanOrEqual(10);
  });

  it("steady-state: η and Fth from depth = pulses·η·(F0 − Fth) (η 4.8, Fth 1.7, flat beam, 3 % noise, stacks)", () => {
    const n = noisy(11, 0.03);
    const rows: (string | number)[][] = [];
    for (const [f, p] of [
      [4, 1],
      [6, 2],
      [10, 1],
      [15, 3],
      [20, 1],
      [30, 2],
    ])
      rows.push([2000, f, p, n(p * 4.8 * (f - 1.7)), "tophat"]);
    const fit = fitLaser(
      FROM,
      parseMeasurements(csv("spotUm,fluenceJcm2,pulses,depthUm,profile", rows)),
      "steady-state",
    );
    expect(Math.abs((fit.laser.etaUmPerJcm2 as number) / 4.8 - 1)).toBeLessThan(0.05);
    expect(Math.abs(fit.laser.thresholdJcm2 / 1.7 - 1)).toBeLessThan(0.15);
  });

  it("blow-off: 1/µa and Fth from depth = (1/µa)·ln(F0/Fth) (µa 800 /cm, Fth 3, Gaussian, 3 % noise)", () => {
    const n = noisy(23, 0.03);
    const rows: number[][] = [];
    for (const e of [2, 4, 8, 16, 32, 64]) {
      const f0 = 2 * averageFluence(e, 200);
      rows.push([200, e, 1, n((1e4 / 800) * Math.log(f0 / 3))]);
    }
    const fit = fitLaser(FROM, parseMeasurements(csv("spotUm,energyMj,pulses,depthUm", rows)), "blow-off");
    expect(Math.abs((fit.laser.absorptionPerCm as number) / 800 - 1)).toBeLessThan(0.05);
    expect(Math.abs(fit.laser.thresholdJcm2 / 3 - 1)).toBeLessThan(0.15);
  });
});

describe("bad data: one error naming the row and column", () => {
  const cases: [string, string, RegExp][] = [
    ["a non-number", "spotUm,energyMj,depthUm\n120,abc,5\n120,20,9\n", /^row 1, column energyMj: "abc"/],
    ["depth ≤ 0", "spotUm,energyMj,depthUm\n120,10,5\n120,20,0\n", /^row 2, column depthUm: "0"/],
    [
      "both energy and fluence",
      "spotUm,energyMj,fluenceJcm2,depthUm\n120,1,2,5\n",
      /^row 0, column fluenceJcm2/,
    ],
    [
      "an unknown column",
      "spotUm,energyMj,depthUm,foo\n120,1,5,1\n",
      /^row 0, column foo: "foo".*unknown column/,
    ],
  ];
  it.each(cases)("%s", (_name, text, re) => {
    expect(() => parseMeasurements(text)).toThrow(PlanError);
    expect(() => parseMeasurements(text)).toThrow(re);
  });
  it("fewer rows than parameters for a spot size", () => {
    const rows = parseMeasurements("spotUm,energyMj,depthUm\n120,10,50\n300,20,70\n300,30,90\n");
    expect(() => fitLaser(FROM, rows, "calibrated")).toThrow(
      /^row 1, column energyMj.*fewer rows than parameters for spot 120 µm/,
    );
    expect(() => fitLaser(FROM, rows.slice(0, 1), "steady-state")).toThrow(/fewer rows than parameters/);
  });
});

describe("laserscan calibrate (built CLI)", () => {
  const dir = mkdtempSync(join(tmpdir(), "laserscan-cal-"));
  const data = csv("spotUm,energyMj,depthUm,coagUm", [
    [120, 10, 90, 170],
    [120, 20, 160, 260],
    [120, 40, 290, 400],
  ]);
  writeFileSync(join(dir, "m.csv"), data);

  it("writes a laser that a plan takes inline and as a path relative to the plan", () => {
    const r = runCli(
      [
        "calibrate",
        "m.csv",
        "--model",
        "calibrated",
        "--from",
        "co2-10600",
        "-o",
        "my-laser.json",
        "--plot",
        "fit.png",
      ],
      dir,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/RMS log error/);
    expect(r.stdout).toMatch(/spot 120 µm depth exponent/);
    expect(readFileSync(join(dir, "fit.png")).subarray(1, 4).toString()).toBe("PNG");
    const laser = JSON.parse(readFileSync(join(dir, "my-laser.json"), "utf8"));
    writeFileSync(join(dir, "inline.json"), JSON.stringify(rawPlan({ laser })));
    writeFileSync(join(dir, "path.json"), JSON.stringify(rawPlan({ laser: "./my-laser.json" })));
    const a = loadPlan(join(dir, "inline.json")).plan.laser;
    const b = loadPlan(join(dir, "path.json")).plan.laser;
    expect(b).toEqual(a);
    expect(a.calibration?.spots?.[0].spotUm).toBe(120);
    const v = runCli(["validate", "path.json"], dir);
    expect(v.code).toBe(0);
  });

  it("bad data: exit 2, one line naming row and column, nothing written", () => {
    writeFileSync(join(dir, "bad.csv"), "spotUm,energyMj,depthUm\n120,10,5\n120,x,7\n");
    const r = runCli(
      [
        "calibrate",
        "bad.csv",
        "--model",
        "calibrated",
        "--from",
        "co2-10600",
        "-o",
        "bad-laser.json",
        "--plot",
        "bad.png",
      ],
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/row 2, column energyMj/);
    expect(existsSync(join(dir, "bad-laser.json"))).toBe(false);
    expect(existsSync(join(dir, "bad.png"))).toBe(false);
  });

  it("an unknown model is exit 2", () => {
    const r = runCli(["calibrate", "m.csv", "--model", "magic", "--from", "co2-10600", "-o", "x.json"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--model/);
  });
});

describe("laserscan presets --plot (built CLI)", () => {
  const dir = mkdtempSync(join(tmpdir(), "laserscan-pplot-"));
  it("writes a PNG of a preset's curves and data; an unknown preset or a missing file is exit 2", () => {
    const r = runCli(["presets", "--plot", "co2-10600", "co2.png"], dir);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, "co2.png")).subarray(1, 4).toString()).toBe("PNG");
    const bad = runCli(["presets", "--plot", "co3-10600", "x.png"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/did you mean "co2-10600"/);
    expect(existsSync(join(dir, "x.png"))).toBe(false);
    expect(runCli(["presets", "--plot", "co2-10600"], dir).code).toBe(2);
  });
});

describe("laserscan calibrate --json", () => {
  it("prints the parameters, each row's measured and fitted depth and the RMS log error as JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "laserscan-calj-"));
    writeFileSync(
      join(dir, "m.csv"),
      "spotUm,fluenceJcm2,depthUm,profile\n2000,5,16,tophat\n2000,10,40,tophat\n2000,20,88,tophat\n",
    );
    const r = runCli(
      ["calibrate", "m.csv", "--model", "steady-state", "--from", "er-yag-2940", "-o", "l.json", "--json"],
      dir,
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    // Through (5, 16), (10, 40), (20, 88): least squares slope 4.8, intercept −8 → Fth = 1.667
    expect(j.params.etaUmPerJcm2).toBeCloseTo(4.8, 2);
    expect(j.params.thresholdJcm2).toBeCloseTo(8 / 4.8, 2);
    expect(j.residuals).toHaveLength(3);
    expect(j.rmsLogError).toBeLessThan(1e-3);
    expect(JSON.parse(readFileSync(join(dir, "l.json"), "utf8")).name).toBe("er-yag-2940");
  });
});
