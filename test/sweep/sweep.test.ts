import fc from "fast-check";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { PlanError } from "../../src/errors.js";
import { resolvePlan } from "../../src/plan/load.js";
import { drawSweepChart, rangeTicks, sweepChartPng, unitOf } from "../../src/sweep/chart.js";
import { formatNumber, mergeSweepCsv, parseCsv, sweepCsv } from "../../src/sweep/csv.js";
import {
  crossProduct,
  parseShard,
  parseVary,
  planKeys,
  prepareSweep,
  REPORT_COLUMNS,
  runSweep,
  shardIndices,
  sweepTable,
  sweepWorkersAvailable,
} from "../../src/sweep/index.js";
import { rawPlan, TEST_LASER } from "../helpers/plans.js";

/** 5 × 5 mm, inline steady-state laser (Fth 5 J/cm², η 4 µm per J/cm²), 120 µm Gaussian at 10 mJ. */
const BASE = resolvePlan(
  rawPlan({ area: { shape: "rect", widthMm: 5, heightMm: 5 }, raster: { pixelUm: 5 } }),
  ".",
);

/** Closed-form crater volume (docs/model.md), µm · mm², and crater radius, mm. */
function crater(energyMj: number, diameterUm: number): { volUmMm2: number; radiusMm: number } {
  const wMm = diameterUm / 2000;
  const wCm = wMm / 10;
  const f0 = (2 * energyMj * 1e-3) / (Math.PI * wCm * wCm); // J/cm²
  const fth = TEST_LASER.thresholdJcm2;
  const eta = TEST_LASER.etaUmPerJcm2;
  return {
    volUmMm2: ((Math.PI * eta * wMm * wMm) / 2) * (f0 - fth - fth * Math.log(f0 / fth)),
    radiusMm: wMm * Math.sqrt(Math.log(f0 / fth) / 2),
  };
}

function planError(fn: () => unknown): PlanError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PlanError);
    return e as PlanError;
  }
  throw new Error("expected a PlanError");
}

describe("cross product and shards", () => {
  it("first key outermost: row i is the mixed-radix number of its value indices", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), (sizes) => {
        const specs = sizes.map((n, k) => ({ key: `k${k}`, values: Array.from({ length: n }, (_, i) => i) }));
        const rows = crossProduct(specs);
        expect(rows.length).toBe(sizes.reduce((a, b) => a * b, 1));
        rows.forEach((row, r) => {
          let rest = r;
          for (let k = sizes.length - 1; k >= 0; k--) {
            expect(row[k]).toBe(rest % sizes[k]);
            rest = Math.floor(rest / sizes[k]);
          }
        });
      }),
    );
    expect(crossProduct([parseVary("a=1,2"), parseVary("b=x,y")])).toEqual([
      [1, "x"],
      [1, "y"],
      [2, "x"],
      [2, "y"],
    ]);
  });

  it("shards K/N are every N-th variant from K−1 and together cover each variant once", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 9 }), (total, n) => {
        const all: number[] = [];
        for (let k = 1; k <= n; k++) {
          const idx = shardIndices(total, { k, n });
          for (const i of idx) expect(i % n).toBe(k - 1);
          all.push(...idx);
        }
        expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i));
      }),
    );
    expect(parseShard("2/4")).toEqual({ k: 2, n: 4 });
    for (const bad of ["0/4", "5/4", "2", "a/b", "1/0", "-1/2"]) planError(() => parseShard(bad));
  });

  it("--vary values: numbers when numeric, else text; bad forms are refused", () => {
    expect(parseVary("pattern.coverage=0.05, 0.1,1e-1x")).toEqual({
      key: "pattern.coverage",
      values: [0.05, 0.1, "1e-1x"],
    });
    expect(parseVary("sequence.order=spread,raster").values).toEqual(["spread", "raster"]);
    for (const bad of ["pattern.coverage", "=1,2", "pattern.coverage=1,,2", "pattern.coverage=0.1,0.1"])
      planError(() => parseVary(bad));
  });
});

describe("validation before anything runs", () => {
  it("plan keys follow the schema: the area's shape, the inline laser, the density alternatives", () => {
    const keys = planKeys(BASE);
    for (const k of ["pattern.coverage", "pattern.pitchUm", "pattern.densityPerCm2", "pulse.energyMj"])
      expect(keys).toContain(k);
    for (const k of [
      "spot.diameterUm",
      "sequence.order",
      "area.widthMm",
      "laser.thresholdJcm2",
      "raster.pixelUm",
    ])
      expect(keys).toContain(k);
    expect(keys).not.toContain("area.diameterMm");
  });

  it("an unknown key names it with a did-you-mean", () => {
    const e = planError(() => prepareSweep(BASE, ".", [parseVary("pattern.coverag=0.1,0.2")]));
    expect(e.message).toContain('"pattern.coverag"');
    expect(e.message).toContain('did you mean "pattern.coverage"');
    expect(planError(() => prepareSweep(BASE, ".", [parseVary("diameterUm=100")])).message).toContain(
      "spot.diameterUm",
    );
  });

  it("a bad value is the plan's own error, prefixed with the --vary that gave it", () => {
    const e = planError(() =>
      prepareSweep(BASE, ".", [parseVary("sequence.order=raster"), parseVary("pattern.coverage=0.1,-1")]),
    );
    expect(e.message).toBe(
      "--vary pattern.coverage=-1: pattern.coverage: -1 is not allowed; allowed: a number > 0",
    );
    expect(
      planError(() => prepareSweep(BASE, ".", [parseVary("sequence.order=raster,zigzag")])).message,
    ).toMatch(/^--vary sequence\.order=zigzag: sequence\.order: "zigzag" is not allowed; allowed: one of /);
    // Below threshold is caught by the dose model, also before any run.
    expect(planError(() => prepareSweep(BASE, ".", [parseVary("pulse.energyMj=10,0.01")])).message).toMatch(
      /^--vary pulse\.energyMj=0\.01: pulse\.energyMj: /,
    );
  });

  it("a combination that fails alone names the variant; two density keys are refused", () => {
    // pulseUs 900 fits 1000 Hz but not 2000 Hz (period 500 µs).
    const e = planError(() =>
      prepareSweep(BASE, ".", [
        parseVary("scanner.pulseUs=400,900"),
        parseVary("scanner.repRateHz=1000,2000"),
      ]),
    );
    expect(e.message).toMatch(/^variant scanner\.pulseUs=900 scanner\.repRateHz=2000: scanner\.pulseUs: 900/);
    planError(() =>
      prepareSweep(BASE, ".", [parseVary("pattern.coverage=0.1"), parseVary("pattern.pitchUm=500")]),
    );
    planError(() => prepareSweep(BASE, ".", []));
  });
});

describe("errors while running", () => {
  it("a variant with no spot in the area fails naming the variant, on one thread and on the pool", async () => {
    const sweep = prepareSweep(BASE, ".", [parseVary("pattern.coverage=0.02,1e-7,0.03,0.04")]);
    for (const concurrency of [1, 2]) {
      const err = await runSweep(sweep, { concurrency }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PlanError);
      expect((err as PlanError).message).toMatch(/^variant pattern\.coverage=1e-7: area: /);
    }
  });
});

describe("a sweep of coverage × order on 5 × 5 mm (closed form, docs/model.md)", async () => {
  const coverages = [0.02, 0.04];
  const sweep = prepareSweep(BASE, ".", [
    parseVary(`pattern.coverage=${coverages.join(",")}`),
    parseVary("sequence.order=serpentine,spread"),
  ]);
  const rows = await runSweep(sweep, { concurrency: 1 });

  it("gives 4 rows in order, depth = density × crater volume (craters apart)", () => {
    expect(rows.map((r) => r.values)).toEqual([
      [0.02, "serpentine"],
      [0.02, "spread"],
      [0.04, "serpentine"],
      [0.04, "spread"],
    ]);
    const { volUmMm2, radiusMm } = crater(10, 120);
    // Hex pitch at 4 % coverage: craters (radius ~80 µm) do not touch each other.
    const pitchMm = Math.sqrt((2 / Math.sqrt(3)) * ((Math.PI * 0.06 ** 2) / 0.04));
    expect(2 * radiusMm).toBeLessThan(pitchMm);
    for (const r of rows) {
      const rep = r.report;
      // achieved density (spots in the area) × V: exact up to the pixel sampling
      expect(rep.depth.meanUm / ((rep.spots * volUmMm2) / 25)).toBeCloseTo(1, 2);
      // the plan's nominal density × V (lattice edge effects only)
      const densityPerMm2 = (r.values[0] as number) / (Math.PI * 0.06 ** 2);
      expect(Math.abs(rep.depth.meanUm / (densityPerMm2 * volUmMm2) - 1)).toBeLessThan(0.1);
    }
    expect(rows[2].report.depth.meanUm / rows[0].report.depth.meanUm).toBeCloseTo(
      rows[2].report.spots / rows[0].report.spots,
      3,
    );
  });

  it("the order changes treatment time but not depth", () => {
    for (const k of [0, 2]) {
      const a = rows[k].report;
      const b = rows[k + 1].report;
      expect(b.depth).toEqual(a.depth);
      expect(b.ablatedFraction).toBe(a.ablatedFraction);
      expect(b.spots).toBe(a.spots);
      expect(b.treatmentMs).not.toBe(a.treatmentMs);
    }
  });

  it("two workers give the same rows as one thread", async () => {
    expect(sweepWorkersAvailable()).toBe(true);
    const pooled = await runSweep(sweep, { concurrency: 2 });
    expect(pooled).toEqual(rows);
  });

  it("CSV: varied keys then the report columns; shards merge back to the same bytes", () => {
    const table = sweepTable(sweep.keys, rows);
    const csv = sweepCsv(table);
    const lines = csv.trimEnd().split("\n");
    expect(lines[0]).toBe(["pattern.coverage", "sequence.order", ...REPORT_COLUMNS].join(","));
    expect(lines.length).toBe(5);
    expect(parseCsv(csv)[1].slice(0, 2)).toEqual(["0.02", "serpentine"]);
    const shards = [1, 2, 3].map((k) => {
      const idx = shardIndices(4, { k, n: 3 });
      const part = { columns: table.columns, rows: idx.map((i) => table.rows[i]) };
      return { name: `s${k}.csv`, text: sweepCsv(part, { variants: idx, total: 4 }) };
    });
    expect(shards[0].text.split("\n")[0].startsWith("variant,variants,pattern.coverage")).toBe(true);
    expect(mergeSweepCsv([shards[2], shards[0], shards[1]]).csv).toBe(csv);
    expect(planError(() => mergeSweepCsv([shards[0], shards[1]])).message).toContain(
      "1 of 4 variants missing",
    );
    expect(planError(() => mergeSweepCsv([...shards, shards[1]])).message).toContain("variant 1");
    const other = { name: "x.csv", text: shards[1].text.replace("sequence.order", "spot.diameterUm") };
    expect(planError(() => mergeSweepCsv([shards[0], other, shards[2]])).message).toContain("header differs");
  });

  it("chart: PNG of the expected size on white, one colour per order", () => {
    const table = sweepTable(sweep.keys, rows);
    const png = PNG.sync.read(sweepChartPng({ table, keyCount: 2, metric: "treatmentMs", title: "test" }));
    expect([png.width, png.height]).toEqual([960, 600]);
    const at = (x: number, y: number) =>
      Array.from(png.data.subarray((y * 960 + x) * 4, (y * 960 + x) * 4 + 3));
    expect(at(2, 2)).toEqual([255, 255, 255]);
    expect(at(957, 597)).toEqual([255, 255, 255]);
    // Tableau10 blue and orange (the two orders' lines) are drawn.
    const count = (rgb: number[]) => {
      let n = 0;
      for (let p = 0; p < png.data.length; p += 4)
        if (png.data[p] === rgb[0] && png.data[p + 1] === rgb[1] && png.data[p + 2] === rgb[2]) n++;
      return n;
    };
    expect(count([0x4e, 0x79, 0xa7])).toBeGreaterThan(100);
    expect(count([0xf2, 0x8e, 0x2c])).toBeGreaterThan(100);
    // A text first key gets a categorical axis.
    const cat = {
      columns: ["sequence.order", "depth.meanUm"],
      rows: [
        ["raster", 1],
        ["spread", 2],
      ] as [string, number][],
    };
    const c = drawSweepChart({
      table: cat,
      keyCount: 1,
      metric: "depth.meanUm",
      title: "t",
      widthPx: 400,
      heightPx: 300,
    });
    expect([c.width, c.height]).toEqual([400, 300]);
  });
});

describe("number formatting and chart helpers", () => {
  it("numbers: integers exactly, others to 6 significant digits, stable when read back", () => {
    expect(formatNumber(12345678)).toBe("12345678");
    expect(formatNumber(1 / 3)).toBe("0.333333");
    expect(formatNumber(-0)).toBe("0");
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), (v) => {
        const s = formatNumber(v);
        expect(formatNumber(Number(s))).toBe(s);
      }),
    );
  });

  it("CSV fields with commas and quotes survive a round trip", () => {
    const t = { columns: ["a", "warnings"], rows: [[1, 'x, "y" | z']] as (number | string)[][] };
    expect(parseCsv(sweepCsv(t))).toEqual([
      ["a", "warnings"],
      ["1", 'x, "y" | z'],
    ]);
  });

  it("units come from the key names; ticks cover the data", () => {
    expect(unitOf("depth.meanUm")).toBe("µm");
    expect(unitOf("pulse.fluenceJcm2")).toBe("J/cm²");
    expect(unitOf("densityPerCm2")).toBe("1/cm²");
    expect(unitOf("areaMm2")).toBe("mm²");
    expect(unitOf("treatmentMs")).toBe("ms");
    expect(unitOf("pattern.coverage")).toBe("fraction");
    const { ticks } = rangeTicks(0.05, 0.3);
    expect(ticks[0]).toBeLessThanOrEqual(0.05);
    expect(ticks.at(-1)).toBeGreaterThanOrEqual(0.3);
  });
});
