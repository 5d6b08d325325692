/** Plans for tests: a raw plan object with an inline laser (no preset files needed). */

export const TEST_LASER = {
  name: "test-co2",
  wavelengthNm: 10600,
  kind: "ablative",
  model: "steady-state",
  thresholdJcm2: 5,
  etaUmPerJcm2: 4,
  coagulationUm: 50,
};

/** A small valid raw plan; `patch` entries are merged one level deep (area and laser are replaced). */
export function rawPlan(patch: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    version: 1,
    name: "test",
    laser: { ...TEST_LASER },
    spot: { diameterUm: 120, profile: "gaussian" },
    pulse: { energyMj: 10, stack: 1 },
    pattern: { lattice: "hex", coverage: 0.1, seed: 1 },
    area: { shape: "rect", widthMm: 10, heightMm: 10 },
    sequence: { order: "raster", seed: 1 },
  };
  for (const [k, v] of Object.entries(patch)) {
    const cur = base[k];
    base[k] =
      k !== "area" &&
      k !== "laser" &&
      v &&
      typeof v === "object" &&
      !Array.isArray(v) &&
      cur &&
      typeof cur === "object" &&
      !Array.isArray(cur)
        ? { ...(cur as object), ...(v as object) }
        : v;
  }
  return base;
}
