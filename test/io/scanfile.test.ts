import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createArea } from "../../src/area/index.js";
import { PlanError } from "../../src/errors.js";
import { scanCsvChunks } from "../../src/io/csv.js";
import { readScanFile, scanFileJson, scanStats } from "../../src/io/scanfile.js";
import { generatePattern } from "../../src/pattern/index.js";
import { resolvePlan } from "../../src/plan/load.js";
import { buildScan } from "../../src/sequence/index.js";
import { rawPlan } from "../helpers/plans.js";

const dir = mkdtempSync(join(tmpdir(), "laserscan-scanfile-"));

function make(patch: Record<string, unknown> = {}) {
  const plan = resolvePlan(rawPlan({ sequence: { order: "spread", seed: 3 }, ...patch }), dir);
  const area = createArea(plan.area, dir);
  const spots = generatePattern(plan, area);
  const scan = buildScan(plan, area, spots);
  return { plan, area, spots, scan, stats: scanStats(plan, area, scan) };
}

describe("scan file (docs/formats.md)", () => {
  it("is byte-identical for the same plan and seed, and the key order of the plan file does not matter", () => {
    const a = make();
    const b = make();
    const textA = scanFileJson(a.plan, a.area, a.scan, a.stats);
    expect(scanFileJson(b.plan, b.area, b.scan, b.stats)).toBe(textA);
    const reordered = Object.fromEntries(
      Object.entries(rawPlan({ sequence: { seed: 3, order: "spread" } })).reverse(),
    );
    const plan = resolvePlan(reordered, dir);
    const area = createArea(plan.area, dir);
    const scan = buildScan(plan, area, generatePattern(plan, area));
    expect(scanFileJson(plan, area, scan, scanStats(plan, area, scan))).toBe(textA);
    const c = make({ sequence: { order: "spread", seed: 4 } });
    expect(scanFileJson(c.plan, c.area, c.scan, c.stats)).not.toBe(textA);
  });

  it("has the documented fields, rounded, in firing order, and no file paths", () => {
    const m = make({ pulse: { energyMj: 10, stack: 2 } });
    const doc = JSON.parse(scanFileJson(m.plan, m.area, m.scan, m.stats, true));
    expect(doc.format).toBe("laserscan-scan");
    expect(doc.version).toBe(1);
    expect(doc.seed).toEqual({ pattern: 1, sequence: 3 });
    expect(doc.plan.laser.name).toBe("test-co2");
    expect(doc.plan.scanner.jumpSpeedMmS).toBe(3000);
    expect(doc.plan.area).toEqual({ shape: "rect", widthMm: 10, heightMm: 10, originMm: [0, 0] });
    const n = m.spots.count;
    expect(doc.stats.spots).toBe(n);
    expect(doc.stats.areaMm2).toBe(100);
    const w = 0.06;
    expect(doc.stats.coverage).toBeCloseTo((n * Math.PI * w * w) / 100, 8);
    expect(doc.stats.densityPerCm2).toBeCloseTo(n, 6); // 1 cm² area
    for (const key of ["xMm", "yMm", "tMs", "stamp", "pulses", "heat"]) expect(doc.spots[key].length).toBe(n);
    expect(doc.spots.pulses.every((p: number) => p === 2)).toBe(true);
    for (let k = 0; k < n; k++) {
      expect(Math.abs(doc.spots.xMm[k] - m.scan.xMm[k])).toBeLessThanOrEqual(5e-7);
      expect(Math.round(doc.spots.xMm[k] * 1e6) / 1e6).toBe(doc.spots.xMm[k]);
      expect(Math.abs(doc.spots.tMs[k] - m.scan.tMs[k])).toBeLessThanOrEqual(5e-7);
    }
    expect(doc.stamps).toEqual([{ centreMm: [10, 10], originMm: [0, 0], spots: n }]);
    expect(doc.stats.heat.max).toBeGreaterThan(0);
  });

  it("reads back: same spots in firing order, same plan", () => {
    const m = make();
    const path = join(dir, "s.json");
    writeFileSync(path, scanFileJson(m.plan, m.area, m.scan, m.stats));
    const r = readScanFile(path);
    expect(r.plan).toEqual(m.plan);
    expect(r.spots.count).toBe(m.spots.count);
    expect(r.scan.stamps.length).toBe(1);
    for (let k = 0; k < r.spots.count; k++) {
      expect(r.spots.x[k]).toBeCloseTo(m.scan.xMm[k], 6);
      expect(r.scan.tMs[k]).toBeCloseTo(m.scan.tMs[k], 6);
    }
    expect(r.scan.heat.max).toBeCloseTo(m.scan.heat.max, 4);
    expect(r.scan.treatmentMs).toBeCloseTo(m.scan.treatmentMs, 6);
  });

  it.each([
    ["a newer version", (d: Record<string, unknown>) => ({ ...d, version: 2 }), "version", /newer laserscan/],
    [
      "another format",
      (d: Record<string, unknown>) => ({ ...d, format: "geojson" }),
      "format",
      /laserscan-scan/,
    ],
    [
      "a short column",
      (d: Record<string, unknown>) => ({ ...d, spots: { ...(d.spots as object), tMs: [1] } }),
      "spots.tMs",
      /entries/,
    ],
    [
      "a bad stamp index",
      (d: Record<string, unknown>) => {
        const s = d.spots as { stamp: number[] };
        return { ...d, spots: { ...s, stamp: s.stamp.map(() => 5) } };
      },
      "spots.stamp[0]",
      /stamp index/,
    ],
  ])("refuses %s with a PlanError", (_name, edit, field, message) => {
    const m = make();
    const doc = JSON.parse(scanFileJson(m.plan, m.area, m.scan, m.stats));
    const path = join(dir, `bad-${field}.json`);
    writeFileSync(path, JSON.stringify(edit(doc)));
    let err: unknown;
    try {
      readScanFile(path);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PlanError);
    expect((err as PlanError).field).toBe(field);
    expect((err as PlanError).message).toMatch(message);
  });

  it("CSV: header, one row per spot in firing order, energy per pulse", () => {
    const m = make();
    const text = scanCsvChunks(m.scan, 10).join("");
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("index,xMm,yMm,tMs,stamp,pulses,energyMj");
    expect(lines.length).toBe(m.spots.count + 1);
    const row = lines[5].split(",").map(Number);
    expect(row[0]).toBe(4);
    expect(row[1]).toBeCloseTo(m.scan.xMm[4], 6);
    expect(row[3]).toBeCloseTo(m.scan.tMs[4], 6);
    expect(row[6]).toBe(10);
    writeFileSync(join(dir, "s.csv"), text);
    expect(readFileSync(join(dir, "s.csv"), "utf8")).toBe(scanCsvChunks(make().scan, 10).join(""));
  });
});
