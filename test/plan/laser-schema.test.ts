/** The laser's calibration forms, uncertainty and data range in a plan (docs/calibration.md). */
import { describe, expect, it } from "vitest";
import { PlanError } from "../../src/errors.js";
import { resolvePlan } from "../../src/plan/load.js";
import { rawPlan, TEST_LASER } from "../helpers/plans.js";

const calibrated = (calibration: unknown, extra: Record<string, unknown> = {}) =>
  rawPlan({ laser: { ...TEST_LASER, model: "calibrated", calibration, ...extra } });

describe("laser calibration in a plan", () => {
  it("accepts the single-table form and the per-spot form with uncertainty and data range", () => {
    expect(
      resolvePlan(calibrated({ spotUm: 120, points: [[10, 300]] }), ".").laser.calibration?.points,
    ).toHaveLength(1);
    const p = resolvePlan(
      calibrated(
        {
          spots: [
            {
              spotUm: 120,
              depth: [
                [80, 520],
                [160, 900],
              ],
              coagTotal: [
                [80, 720],
                [160, 1000],
              ],
            },
          ],
        },
        { uncertaintyPct: 25, dataRange: { energyMj: [80, 160], pulses: [1, 1] } },
      ),
      ".",
    );
    expect(p.laser.calibration?.spots?.[0].coagTotal?.[1]).toEqual([160, 1000]);
    expect(p.laser.uncertaintyPct).toBe(25);
  });

  it("rejects both forms at once, neither, and a negative uncertainty, naming the field", () => {
    const both = () =>
      resolvePlan(
        calibrated({ spotUm: 120, points: [[10, 300]], spots: [{ spotUm: 120, depth: [[1, 1]] }] }),
        ".",
      );
    expect(both).toThrow(PlanError);
    expect(both).toThrow(/laser\.calibration\.spots.*either spots or spotUm \+ points/);
    expect(() => resolvePlan(calibrated({}), ".")).toThrow(/laser\.calibration\.spots.*required/);
    expect(() => resolvePlan(calibrated({ spotUm: 120 }), ".")).toThrow(/laser\.calibration\.points/);
    expect(() =>
      resolvePlan(calibrated({ spotUm: 120, points: [[10, 300]] }, { uncertaintyPct: -1 }), "."),
    ).toThrow(/laser\.uncertaintyPct/);
  });

  it("a laser path that does not exist is a user error naming the laser", () => {
    expect(() => resolvePlan(rawPlan({ laser: "./nope.json" }), "/tmp")).toThrow(/laser.*does not exist/);
  });
});
