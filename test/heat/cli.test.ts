import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/dose/report.js";
import { simulatePlan } from "../../src/dose/simulate.js";
import { CSV_HEADER } from "../../src/io/csv.js";
import { loadPlan } from "../../src/plan/load.js";
import {
  BULK_RISE_COLUMNS,
  isBulkRiseMetric,
  REPORT_COLUMNS,
  sweepJson,
  sweepTable,
} from "../../src/sweep/index.js";
import { co2CoagTotalMm, co2ResidualJ, co2RiseByHand, twoCo2Spots } from "../helpers/bulk-rise.js";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "bulkheat-"));
// Two 120 µm CO2 spots 100 µm apart, fired one pulse period apart.
const twoSpots = join(dir, "two.json");
writeFileSync(twoSpots, JSON.stringify(twoCo2Spots("two-spots")));

describe("scan --bulk-rise: tempRiseC", () => {
  it("a two-spot scan's tempRiseC is the closed form within 1 %", () => {
    const out = join(dir, "two.scan.json");
    const r = runCli(["scan", twoSpots, "--bulk-rise", "-o", out]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    const s = doc.spots;
    expect(s.xMm.length).toBe(2);
    const rMm = Math.hypot(s.xMm[1] - s.xMm[0], s.yMm[1] - s.yMm[0]);
    const dtS = (s.tMs[1] - s.tMs[0]) / 1000;
    // By hand: Q = 5·(π·0.006²/2)·(1 + ln(176.84/5)) J, s0 = 0.06²/2 mm², L = the total
    // coagulated depth at 10 mJ from the preset's published table (≈ 269 µm).
    const want = co2RiseByHand(rMm, dtS);
    expect(want).toBeGreaterThan(0.5);
    expect(s.tempRiseC[0]).toBe(0);
    expect(Math.abs(s.tempRiseC[1] / want - 1)).toBeLessThan(0.01);
    expect(doc.stats.heat.maxC).toBeCloseTo(s.tempRiseC[1], 5);
  });

  it("the CSV gains a tempRiseC column with --bulk-rise only (not with --heat)", () => {
    const a = join(dir, "a.csv");
    const b = join(dir, "b.csv");
    const h = join(dir, "h.csv");
    expect(runCli(["scan", twoSpots, "--csv", a]).code).toBe(0);
    expect(runCli(["scan", twoSpots, "--csv", b, "--bulk-rise"]).code).toBe(0);
    expect(runCli(["scan", twoSpots, "--csv", h, "--heat"]).code).toBe(0);
    const la = readFileSync(a, "utf8").split("\n");
    const lb = readFileSync(b, "utf8").split("\n");
    expect(la[0]).toBe(CSV_HEADER);
    expect(readFileSync(h, "utf8")).toBe(readFileSync(a, "utf8"));
    expect(lb[0]).toBe(`${CSV_HEADER},tempRiseC`);
    expect(lb[2].startsWith(`${la[2]},`)).toBe(true);
    expect(Number(lb[2].split(",").at(-1))).toBeGreaterThan(0.5);
  });

  it("--max-bulk-rise-c (implies --bulk-rise) names the count of spots above it; bad values exit 2 with one line", () => {
    const out = join(dir, "na.scan.json");
    const r = runCli([
      "scan",
      "fractional-co2-demo",
      "--order",
      "spread",
      "-o",
      out,
      "--max-bulk-rise-c",
      "2",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    const over = (doc.spots.tempRiseC as number[]).filter((v) => v > 2).length;
    expect(over).toBeGreaterThan(0);
    expect(over).toBeLessThan(doc.spots.tempRiseC.length);
    const w = (doc.stats.warnings as string[]).find((s) => s.includes("bulk temperature rise above 2 K"));
    expect(w).toContain(`${over} of ${doc.spots.tempRiseC.length} spots`);
    expect(r.stdout).toContain(`warning: ${over} of`);
    for (const bad of ["0", "-3", "hot"]) {
      const e = runCli(["scan", twoSpots, "--max-bulk-rise-c", bad]);
      expect(e.code).toBe(2);
      expect(e.stderr.trim().split("\n")).toHaveLength(1);
      expect(e.stderr).toContain("--max-bulk-rise-c");
    }
  });

  it("--heat-map writes a PNG; a wrong extension exits 2", () => {
    const png = join(dir, "heat.png");
    expect(runCli(["scan", twoSpots, "--heat-map", png]).code).toBe(0);
    const buf = readFileSync(png);
    expect(buf.subarray(1, 4).toString()).toBe("PNG");
    expect(buf.readUInt32BE(16)).toBeGreaterThan(300); // width
    const e = runCli(["scan", twoSpots, "--heat-map", join(dir, "heat.jpg")]);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain("--heat-map");
  });
});

describe("report and sweep", () => {
  it("simulate reports heat.maxC ≥ heat.p95C ≥ heat.meanC > 0 and prints them", () => {
    const r = runCli(["simulate", twoSpots, "--json", "--bulk-rise"]);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.heat.maxC).toBeGreaterThan(0.5);
    expect(rep.heat.maxC).toBeGreaterThanOrEqual(rep.heat.p95C);
    expect(rep.heat.meanC).toBeCloseTo(rep.heat.maxC / 2, 9); // two spots, the first meets 0
    const t = runCli(["simulate", twoSpots, "--bulk-rise"]);
    expect(t.stdout).toMatch(/bulk rise max \/ p95 \/ mean\s+\d+\.\d\d \/ \d+\.\d\d \/ \d+\.\d\d K/);
  });

  it("sweep ranks on heat.maxC (which turns the bulk rise on) and writes the columns", () => {
    const csv = join(dir, "sweep.csv");
    const r = runCli([
      "sweep",
      twoSpots,
      "--vary",
      "pulse.energyMj=5,10",
      "--metric",
      "heat.maxC",
      "--csv",
      csv,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    const head = lines[0].split(",");
    const k = head.indexOf("heat.maxC");
    expect(k).toBeGreaterThan(0);
    expect(head).toContain("heat.p95C");
    expect(head).toContain("heat.meanC");
    const v5 = Number(lines[1].split(",")[k]);
    const v10 = Number(lines[2].split(",")[k]);
    // 1 ms apart the column has not yet cooled from below (erf ≈ 1), so the rise goes as Q/L:
    // by hand Q = 5·(π·0.006²/2)·(1 + ln(F0/5)) J with F0 = 2E/(π·0.006²), L = the total
    // coagulated depth of the published table at 5 and 10 mJ (≈ 193 and 269 µm): the 5 mJ
    // pulse leaves less heat in a shallower column, and its surface meets more.
    const want = co2ResidualJ(5) / co2CoagTotalMm(5) / (co2ResidualJ(10) / co2CoagTotalMm(10));
    expect(Math.abs(v5 / v10 / want - 1)).toBeLessThan(0.01);
  });
});

describe("the bulk rise is opt-in", () => {
  const noBulk = (o: { heat?: object | null }) => {
    for (const k of ["maxC", "p95C", "meanC"]) expect(o.heat).not.toHaveProperty(k);
  };

  it("default scan, scan --heat and simulate outputs carry no bulk-rise keys, columns or rows", () => {
    const out = join(dir, "plain.scan.json");
    const csv = join(dir, "plain.csv");
    const s = runCli(["scan", twoSpots, "--heat", "-o", out, "--csv", csv]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).not.toContain("bulk rise");
    const doc = JSON.parse(readFileSync(out, "utf8"));
    noBulk(doc.stats);
    expect(doc.spots).toHaveProperty("heat");
    expect(doc.spots).not.toHaveProperty("tempRiseC");
    expect(doc.units).not.toHaveProperty("tempRiseC");
    expect(readFileSync(csv, "utf8").split("\n")[0]).toBe(CSV_HEADER);
    const j = runCli(["scan", twoSpots, "--json"]);
    noBulk(JSON.parse(j.stdout));
    const sim = runCli(["simulate", twoSpots, "--json"]);
    expect(sim.code, sim.stderr).toBe(0);
    noBulk(JSON.parse(sim.stdout));
    // A scan file written without the rise simulates without it too.
    const fromFile = runCli(["simulate", out, "--json"]);
    noBulk(JSON.parse(fromFile.stdout));
    expect(runCli(["simulate", twoSpots]).stdout).not.toContain("bulk rise");
    // …and with --bulk-rise the scan file's simulation gains it.
    const withRise = JSON.parse(runCli(["simulate", out, "--json", "--bulk-rise"]).stdout);
    expect(withRise.heat.maxC).toBeGreaterThan(0.5);
  });

  it("simulatePlan and the sweep tables: no bulk-rise keys unless asked for", async () => {
    const { plan, baseDir } = loadPlan(twoSpots, {});
    const plain = await simulatePlan(plan, { baseDir, threads: 1 });
    noBulk(plain.report);
    const hot = await simulatePlan(plan, { baseDir, threads: 1, bulkRise: true });
    expect(hot.report.heat?.maxC).toBeGreaterThan(0.5);
    // The heat index is the same either way.
    expect(hot.report.heat?.max).toBe(plain.report.heat?.max);
    const row = (report: Report) => ({ variant: 0, values: [1], report });
    expect(sweepTable(["k"], [row(plain.report)]).columns).toEqual(["k", ...REPORT_COLUMNS]);
    expect(Object.keys(sweepJson(["k"], [row(plain.report)])[0])).not.toContain("heat.maxC");
    const cols = sweepTable(["k"], [row(hot.report)]).columns;
    expect(cols.slice(cols.indexOf("heat.mean") + 1, cols.indexOf("heat.mean") + 4)).toEqual([
      ...BULK_RISE_COLUMNS,
    ]);
    expect(isBulkRiseMetric("heat.maxC")).toBe(true);
    expect(isBulkRiseMetric("heat.max")).toBe(false);
  });

  it("sweep without --bulk-rise (and a non-kelvin metric) has no kelvin columns; --bulk-rise adds them", () => {
    const a = join(dir, "sweep-plain.csv");
    const b = join(dir, "sweep-bulk.csv");
    const args = ["sweep", twoSpots, "--vary", "pulse.energyMj=5,10", "--metric", "heat.max"];
    expect(runCli([...args, "--csv", a]).code).toBe(0);
    expect(runCli([...args, "--csv", b, "--bulk-rise"]).code).toBe(0);
    expect(readFileSync(a, "utf8")).not.toContain("heat.maxC");
    expect(readFileSync(b, "utf8").split("\n")[0]).toContain("heat.maxC,heat.p95C,heat.meanC");
  });
});
