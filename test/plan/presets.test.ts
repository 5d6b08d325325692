/** Laser presets: every number cites its source; the table's shape is physical. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
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
        ? ["calibration.spotUm", "calibration.points"]
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
      const points = laserPreset(name).calibration?.points ?? [];
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
});
