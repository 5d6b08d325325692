/** Laser presets: every number cites its source; the table's shape is physical. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEvidence } from "../../src/calibrate/csv.js";
import { predictRow } from "../../src/calibrate/fit.js";
import { plotPreset, regeneratePreset } from "../../src/calibrate/presets.js";
import { laserNames, laserPreset, PATTERNS_DIR } from "../../src/plan/presets.js";

const REQUIRED = [
  "er-yag-2940",
  "er-ysgg-2790",
  "co2-10600",
  "co2-10600-fullfield",
  "erglass-1550",
  "thulium-1927",
];

describe("laser presets", () => {
  it("has the presets the issue names", () => {
    for (const name of REQUIRED) expect(laserNames()).toContain(name);
  });

  it.each(laserNames())("%s: every numeric field has a source of its own", (name) => {
    const raw = JSON.parse(readFileSync(join(PATTERNS_DIR, "lasers", `${name}.json`), "utf8"));
    const sources = raw.sources as Record<string, string>;
    expect(sources).toBeDefined();
    const keys = Object.entries(raw).flatMap(([key, value]) =>
      key === "calibration"
        ? (value as { spots?: unknown }).spots
          ? ["calibration.spots"]
          : ["calibration.spotUm", "calibration.points"]
        : typeof value === "number"
          ? [key]
          : [],
    );
    // A source names a year, or says the value is derived, an estimate or not applicable.
    for (const key of keys)
      expect(sources[key], `${name}.${key} has no source`).toMatch(/\d{4}|derived|estimate|not applicable/i);
    expect(laserPreset(name).name).toBe(name);
  });

  it("calibration tables grow with energy", () => {
    for (const name of laserNames()) {
      const cal = laserPreset(name).calibration;
      for (const points of [
        cal?.points ?? [],
        ...(cal?.spots ?? []).flatMap((t) => [t.depth, t.coagTotal ?? []]),
      ])
        for (let i = 1; i < points.length; i++) {
          expect(points[i][0]).toBeGreaterThan(points[i - 1][0]);
          expect(points[i][1]).toBeGreaterThanOrEqual(points[i - 1][1]);
        }
    }
  });

  it("Er:YAG reproduces ≈ 40 µm per pulse at 10 J/cm² with a flat beam (Kaufmann & Hibst 1996)", () => {
    const l = laserPreset("er-yag-2940");
    expect((l.etaUmPerJcm2 as number) * (10 - l.thresholdJcm2)).toBeGreaterThan(36);
    expect((l.etaUmPerJcm2 as number) * (10 - l.thresholdJcm2)).toBeLessThan(44);
  });

  it.each(laserNames())("%s: the committed preset is what `npm run presets:fit` regenerates", (name) => {
    const dir = join(PATTERNS_DIR, "lasers");
    expect(regeneratePreset(dir, name)).toBe(readFileSync(join(dir, `${name}.json`), "utf8"));
  });

  it.each(laserNames())(
    "%s: reproduces each of its own fitted data points within its stated uncertainty",
    (name) => {
      const l = laserPreset(name);
      const csv = readFileSync(join(PATTERNS_DIR, "lasers", "data", `${name}.csv`), "utf8");
      const rows = parseEvidence(csv).measurements.filter((m) => m.use === "fit" && m.depthUm !== undefined);
      expect(l.uncertaintyPct).toBeGreaterThan(0);
      const u = (l.uncertaintyPct as number) / 100;
      for (const m of rows) {
        const p = predictRow(l, m);
        expect(Math.abs(p.depthUm / (m.depthUm as number) - 1), `row ${m.row}`).toBeLessThanOrEqual(u);
        if (m.coagUm !== undefined)
          expect(Math.abs(p.coagUm / m.coagUm - 1), `row ${m.row} coag`).toBeLessThanOrEqual(u);
      }
    },
  );

  it("co2-10600 reads the in vivo face histology at each tip (eCO2 spot-size study, abstract)", () => {
    const l = laserPreset("co2-10600");
    const at = (spotUm: number, energyMj: number) =>
      predictRow(l, {
        row: 0,
        spotUm,
        energyMj,
        pulses: 1,
        profile: "gaussian",
        evidence: "in-vivo-human",
        source: "",
        use: "fit",
      });
    // [spot µm, mJ, ablation µm, total coagulation µm] as printed in the abstract
    const published: [number, number, number, number][] = [
      [120, 80, 520, 720],
      [120, 160, 900, 1000],
      [300, 100, 200, 320],
      [300, 180, 550, 720],
      [1000, 60, 125, 150],
      [1000, 220, 150, 350],
    ];
    for (const [spot, e, abl, coag] of published) {
      expect(at(spot, e).depthUm).toBeCloseTo(abl, 0);
      expect(at(spot, e).coagUm).toBeCloseTo(coag, 0);
    }
    // Hantash 2007 in vivo (120 µm, abstract): more than 3× deeper from 5 to 30 mJ.
    expect(at(120, 30).depthUm / at(120, 5).depthUm).toBeGreaterThan(3);
    // A maker's rating bounds from above: ≤ 1.6 mm at 70 mJ on 120 µm.
    expect(at(120, 70).depthUm).toBeLessThan(1600);
  });

  it.each(laserNames())("%s: presets --plot draws its chart", (name) => {
    const png = plotPreset(name);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.length).toBeGreaterThan(5000);
  });
});
