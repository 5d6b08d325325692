/**
 * Fuzzing the library API: random plans, valid and invalid, and random bytes as
 * masks. Every run ends in a result that keeps the invariants or in a PlanError, never in
 * another exception.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { createArea } from "../../src/area/index.js";
import { scanSummary, simulateSpots } from "../../src/dose/simulate.js";
import { PlanError } from "../../src/errors.js";
import { generatePattern } from "../../src/pattern/index.js";
import { resolvePlan } from "../../src/plan/load.js";
import { buildScan } from "../../src/sequence/index.js";
import { TEST_LASER } from "../helpers/plans.js";

const dir = mkdtempSync(join(tmpdir(), "laserscan-fuzz-"));

/** Values a user might type where a positive number belongs, sane and not. */
const junk = fc.constantFrom<unknown>(
  0,
  -1,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  1e12,
  "12",
  null,
  [],
  {},
  "",
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const ringArb = fc.array(
  fc.tuple(fc.double({ min: 0, max: 4, noNaN: true }), fc.double({ min: 0, max: 4, noNaN: true })),
  { minLength: 3, maxLength: 7 },
);

/** A valid plan over a small area (a random polygon may still cross itself: a PlanError). */
const validPlanArb = fc.record({
  version: fc.constant(1),
  laser: fc.constantFrom<unknown>(TEST_LASER, "co2-10600", "er-yag-2940", "erglass-1550"),
  spot: fc.record({
    diameterUm: fc.double({ min: 80, max: 600, noNaN: true }),
    profile: fc.constantFrom("gaussian", "tophat"),
  }),
  pulse: fc.record({
    energyMj: fc.double({ min: 2, max: 60, noNaN: true }),
    stack: fc.integer({ min: 1, max: 3 }),
  }),
  pattern: fc.record({
    lattice: fc.constantFrom("square", "hex", "jittered", "random", "poisson"),
    coverage: fc.double({ min: 0.02, max: 2, noNaN: true }),
    rotationDeg: maybe(fc.double({ min: -180, max: 180, noNaN: true })),
    seed: maybe(fc.nat(1000)),
  }),
  area: fc.oneof(
    fc.record({
      shape: fc.constant("rect"),
      widthMm: fc.double({ min: 0.5, max: 4, noNaN: true }),
      heightMm: fc.double({ min: 0.5, max: 4, noNaN: true }),
    }),
    fc.record({ shape: fc.constant("circle"), diameterMm: fc.double({ min: 0.3, max: 4, noNaN: true }) }),
    fc.record({ shape: fc.constant("polygon"), rings: fc.array(ringArb, { minLength: 1, maxLength: 2 }) }),
  ),
  sequence: fc.record({
    order: fc.constantFrom("raster", "serpentine", "random", "interleave", "spread", "shortest"),
  }),
  raster: fc.record({ pixelUm: fc.constantFrom(20, 40) }),
});

/** Dotted keys a mutation may break. */
const KEYS = [
  "version",
  "laser",
  "spot.diameterUm",
  "spot.profile",
  "pulse.energyMj",
  "pulse.stack",
  "pattern.lattice",
  "pattern.coverage",
  "pattern.rotationDeg",
  "area.shape",
  "area.widthMm",
  "area.diameterMm",
  "sequence.order",
  "raster.pixelUm",
  "pattern.colour",
  "scanner.pulseUs",
];

/** Half the plans valid, half with one field set to junk (or a misspelt key added). */
const planArb = fc.oneof(
  validPlanArb,
  fc.tuple(validPlanArb, fc.constantFrom(...KEYS), junk).map(([plan, key, value]) => {
    const copy = JSON.parse(JSON.stringify(plan));
    const [a, b] = key.split(".");
    if (b === undefined) copy[a] = value;
    else copy[a] = { ...(copy[a] ?? {}), [b]: value };
    return copy;
  }),
);

describe("fuzzing the library with random plans", () => {
  it("every plan gives a consistent result or a PlanError", async () => {
    let succeeded = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(planArb, async (raw) => {
        try {
          const plan = resolvePlan(JSON.parse(JSON.stringify(raw)), dir);
          const area = createArea(plan.area, dir);
          const spots = generatePattern(plan, area);
          for (let i = 0; i < spots.count; i++) expect(area.contains(spots.x[i], spots.y[i])).toBe(true);
          const scan = buildScan(plan, area, spots);
          const seen = new Uint8Array(spots.count);
          for (const k of scan.order) seen[k]++;
          expect(seen.every((v) => v === 1)).toBe(true);
          const sim = await simulateSpots(
            { plan, area, spots, pulses: plan.pulse.stack, scan: scanSummary(scan) },
            { keepDepth: true, threads: 1, maxMemoryMb: 64 },
          );
          const d = sim.depth?.data ?? new Float32Array();
          for (let i = 0; i < d.length; i++) expect(d[i] >= 0 && Number.isFinite(d[i])).toBe(true);
          expect(sim.report.depth.maxUm).toBeGreaterThanOrEqual(sim.report.depth.meanUm);
          succeeded++;
        } catch (e) {
          if (!(e instanceof PlanError)) throw e;
          refused++;
          expect(e.message).not.toContain("\n");
          expect(e.field.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 100, seed: 20261122 },
    );
    // Both paths are exercised: the generator is not all junk, nor all valid.
    expect(succeeded).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(10);
  });
});

describe("fuzzing masks with random bytes", () => {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const small = new PNG({ width: 4, height: 4 });
  small.data.fill(255);
  const valid = PNG.sync.write(small);

  it("random bytes, PNG-signed junk and mutated PNGs: an Area or a PlanError", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.concat([signature, b])),
          fc
            .tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(valid.length))
            .map(([at, v, cut]) => {
              const m = Buffer.from(valid);
              m[at] = v;
              return m.subarray(0, Math.max(8, cut));
            }),
        ),
        (bytes) => {
          const path = join(dir, "fuzz.png");
          writeFileSync(path, bytes);
          try {
            const area = createArea({ shape: "mask", path, pixelMm: 0.5, originMm: [0, 0] });
            expect(area.areaMm2).toBeGreaterThan(0);
          } catch (e) {
            if (!(e instanceof PlanError)) throw e;
            expect(e.field).toBe("area.path");
          }
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
