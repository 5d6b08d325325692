import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PlanError } from "../../src/errors.js";
import { derive } from "../../src/plan/derived.js";
import { resolvePlan } from "../../src/plan/load.js";
import { expandPasses, shorthandFractions } from "../../src/plan/passes.js";
import { planKeys } from "../../src/sweep/vary.js";
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

const plan = (patch: Record<string, unknown>) => resolvePlan(rawPlan(patch), ".");

describe("passes in a plan (docs/passes.md)", () => {
  it("a plan without passes is one pass, itself", () => {
    const p = plan({});
    expect(expandPasses(p)).toEqual([p]);
  });

  it("merges each pass over the base; a density or energy key replaces the base's", () => {
    const p = plan({
      passes: [
        {},
        { pattern: { offsetMm: [0.25, 0.25], densityPerCm2: 400 }, pulse: { fluenceJcm2: 30, stack: 2 } },
        { spot: { diameterUm: 200 }, sequence: { order: "random" } },
      ],
    });
    const [a, b, c] = expandPasses(p);
    expect(a.pattern.coverage).toBe(0.1);
    expect(a.passes).toBeUndefined();
    expect(b.pattern.coverage).toBeUndefined();
    expect(b.pattern.densityPerCm2).toBe(400);
    expect(b.pattern.offsetMm).toEqual([0.25, 0.25]);
    expect(b.pulse.energyMj).toBeUndefined();
    expect(b.pulse.fluenceJcm2).toBe(30);
    expect(b.pulse.stack).toBe(2);
    // 30 J/cm² over a 60 µm-radius disc: E = F·πw² = 30 · π · (0.006 cm)² J.
    expect(derive(b).energyMj).toBeCloseTo(30 * Math.PI * 0.006 ** 2 * 1000, 9);
    expect(c.spot).toEqual({ diameterUm: 200, profile: "gaussian" });
    expect(c.sequence.order).toBe("random");
    expect(c.pattern.coverage).toBe(0.1);
  });

  it("bad pass input names passes[k]", () => {
    expect(errorOf(() => plan({ passes: [{}, { pattern: { pitch: 3 } }] })).field).toBe(
      "passes[1].pattern.pitch",
    );
    const two = errorOf(() => plan({ passes: [{ pattern: { coverage: 0.1, pitchUm: 300 } }] }));
    expect(two.field).toBe("passes[0].pattern");
    expect(two.message).toMatch(/at most one of coverage, pitchUm, densityPerCm2/);
    expect(errorOf(() => plan({ passes: [{ pulse: { energyMj: 1, fluenceJcm2: 3 } }] })).field).toBe(
      "passes[0].pulse",
    );
    expect(errorOf(() => plan({ passes: [{ laser: "x" }] })).field).toBe("passes[0].laser");
    expect(errorOf(() => plan({ passes: [] })).field).toBe("passes");
    expect(errorOf(() => plan({ scanner: { passGapMs: -1 } })).field).toBe("scanner.passGapMs");
    expect(errorOf(() => plan({ scanner: { aim: { loops: 0 } } })).field).toBe("scanner.aim.loops");
    expect(errorOf(() => plan({ pattern: { passes: 2 }, passes: [{}] })).field).toBe("pattern.passes");
  });

  it("pattern.passes: 2 on a square lattice puts the second pass at the cell centre", () => {
    const p = plan({ pattern: { lattice: "square", coverage: undefined, pitchUm: 400, passes: 2 } });
    const passes = expandPasses(p);
    expect(passes).toHaveLength(2);
    expect(passes[0].pattern.offsetMm).toEqual([0, 0]);
    expect(passes[1].pattern.offsetMm[0]).toBeCloseTo(0.2, 12);
    expect(passes[1].pattern.offsetMm[1]).toBeCloseTo(0.2, 12);
    expect(passes[1].pattern.seed).toBe(2);
  });

  it("pattern.passes: 4 on a square lattice is the 2 × 2 half-pitch grid", () => {
    const fr = shorthandFractions(4, "square")
      .map(([u, v]) => `${u},${v}`)
      .sort();
    expect(fr).toEqual(["0,0", "0.25,0.5", "0.5,0", "0.75,0.5"]);
  });

  it("shorthand offsets keep passes apart: min distance ≥ pitch/√(2n) is never worse than the diagonal", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 16 }), fc.constantFrom("square", "hex" as const), (n, lat) => {
        const fr = shorthandFractions(n, lat as "square" | "hex");
        const b2 = lat === "hex" ? [0.5, Math.sqrt(3) / 2] : [0, 1];
        let best = Infinity;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) {
            if (i === j) continue;
            for (let a = -1; a <= 1; a++)
              for (let b = -1; b <= 1; b++) {
                const u = fr[i][0] - fr[j][0] + a;
                const v = fr[i][1] - fr[j][1] + b;
                best = Math.min(best, Math.hypot(u + v * b2[0], v * b2[1]));
              }
          }
        // The distinct shifts never coincide, and the chosen rule beats or equals m = 1 (1/n along the diagonal).
        const diag = lat === "hex" ? Math.hypot(1 / n + 0.5 / n, Math.sqrt(3) / 2 / n) : Math.SQRT2 / n;
        expect(best).toBeGreaterThan(0);
        expect(best).toBeGreaterThanOrEqual(Math.min(diag, 1 / n) - 1e-12);
      }),
    );
  });

  it("sweep keys reach each pass, and a pass's density or energy override replaces its own alternative", () => {
    const raw = rawPlan({ passes: [{}, { pattern: { pitchUm: 300 }, pulse: { fluenceJcm2: 20 } }] });
    const keys = planKeys(resolvePlan(raw, "."));
    expect(keys).toContain("passes.1.pattern.rotationDeg");
    expect(keys).toContain("passes.0.pulse.energyMj");
    expect(keys).not.toContain("passes.2.pattern.rotationDeg");
    const p = resolvePlan(raw, ".", {
      "passes.1.pattern.coverage": 0.2,
      "passes.1.pulse.energyMj": 5,
      "passes.1.pattern.rotationDeg": 45,
    });
    const pass = p.passes?.[1];
    expect(pass?.pattern).toEqual({ coverage: 0.2, rotationDeg: 45 });
    expect(pass?.pulse).toEqual({ energyMj: 5 });
    expect(p.pattern.coverage).toBe(0.1);
  });
});
