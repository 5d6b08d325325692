import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CSV_HEADER } from "../../src/io/csv.js";
import { runCli } from "../helpers/cli.js";
import { erfSimpson } from "./fd3d.js";

const dir = mkdtempSync(join(tmpdir(), "bulkheat-"));
// Two 120 µm CO2 spots 100 µm apart, fired one pulse period apart.
const twoSpots = join(dir, "two.json");
writeFileSync(
  twoSpots,
  JSON.stringify({
    version: 1,
    name: "two-spots",
    laser: "co2-10600",
    spot: { diameterUm: 120 },
    pulse: { energyMj: 10 },
    pattern: { lattice: "square", pitchUm: 100, seed: 1 },
    area: { shape: "rect", widthMm: 0.2, heightMm: 0.1 },
    sequence: { order: "raster", seed: 1 },
  }),
);

describe("scan --heat: tempRiseC", () => {
  it("a two-spot scan's tempRiseC is the closed form within 1 %", () => {
    const out = join(dir, "two.scan.json");
    const r = runCli(["scan", twoSpots, "--heat", "-o", out]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    const s = doc.spots;
    expect(s.xMm.length).toBe(2);
    const rMm = Math.hypot(s.xMm[1] - s.xMm[0], s.yMm[1] - s.yMm[0]);
    const dtS = (s.tMs[1] - s.tMs[0]) / 1000;
    // By hand: Q = 5·(π·0.006²/2)·(1 + ln(176.84/5)) J, L = 310 + 60 µm, s0 = 0.06²/2 mm².
    const f0 = (2 * 0.01) / (Math.PI * 0.006 ** 2);
    const q = 5 * ((Math.PI * 0.006 ** 2) / 2) * (1 + Math.log(f0 / 5));
    const L = 0.37;
    const sTot = 0.0018 + 4 * 0.13 * dtS;
    const want =
      ((q / (3.7e-3 * L)) * erfSimpson(L / Math.sqrt(4 * 0.13 * dtS)) * Math.exp((-rMm * rMm) / sTot)) /
      (Math.PI * sTot);
    expect(want).toBeGreaterThan(0.5);
    expect(s.tempRiseC[0]).toBe(0);
    expect(Math.abs(s.tempRiseC[1] / want - 1)).toBeLessThan(0.01);
    expect(doc.stats.heat.maxC).toBeCloseTo(s.tempRiseC[1], 5);
  });

  it("the CSV gains a tempRiseC column with --heat only", () => {
    const a = join(dir, "a.csv");
    const b = join(dir, "b.csv");
    expect(runCli(["scan", twoSpots, "--csv", a]).code).toBe(0);
    expect(runCli(["scan", twoSpots, "--csv", b, "--heat"]).code).toBe(0);
    const la = readFileSync(a, "utf8").split("\n");
    const lb = readFileSync(b, "utf8").split("\n");
    expect(la[0]).toBe(CSV_HEADER);
    expect(lb[0]).toBe(`${CSV_HEADER},tempRiseC`);
    expect(lb[2].startsWith(`${la[2]},`)).toBe(true);
    expect(Number(lb[2].split(",").at(-1))).toBeGreaterThan(0.5);
  });

  it("--max-bulk-rise-c names the count of spots above it; bad values exit 2 with one line", () => {
    const out = join(dir, "na.scan.json");
    const r = runCli(["scan", "fractional-co2-demo", "--heat", "-o", out, "--max-bulk-rise-c", "2"]);
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
    const r = runCli(["simulate", twoSpots, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.heat.maxC).toBeGreaterThan(0.5);
    expect(rep.heat.maxC).toBeGreaterThanOrEqual(rep.heat.p95C);
    expect(rep.heat.meanC).toBeCloseTo(rep.heat.maxC / 2, 9); // two spots, the first meets 0
    const t = runCli(["simulate", twoSpots]);
    expect(t.stdout).toMatch(/bulk rise max \/ p95 \/ mean\s+\d+\.\d\d \/ \d+\.\d\d \/ \d+\.\d\d K/);
  });

  it("sweep ranks on heat.maxC and writes the columns", () => {
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
    // by hand Q = 5·(π·0.006²/2)·(1 + ln(F0/5)) J with F0 = 2E/(π·0.006²), L = 175 + 60 µm at
    // 5 mJ and 310 + 60 µm at 10 mJ (calibration table + collar): the 5 mJ pulse leaves less
    // heat in a shallower column, and its surface meets more.
    const qOf = (eJ: number) =>
      5 * ((Math.PI * 0.006 ** 2) / 2) * (1 + Math.log((2 * eJ) / (Math.PI * 0.006 ** 2) / 5));
    const want = qOf(0.005) / 0.235 / (qOf(0.01) / 0.37);
    expect(Math.abs(v5 / v10 / want - 1)).toBeLessThan(0.01);
  });
});
