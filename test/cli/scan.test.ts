import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { rawPlan } from "../helpers/plans.js";

const dir = mkdtempSync(join(tmpdir(), "laserscan-scan-"));
const plan = join(dir, "plan.json");
writeFileSync(plan, JSON.stringify(rawPlan({ area: { shape: "rect", widthMm: 15, heightMm: 12 } })));
const out = (name: string) => join(dir, name);

describe("laserscan scan", () => {
  it("prints the table and writes the scan file, CSV and galvo list", () => {
    const r = runCli([
      "scan",
      plan,
      "-o",
      out("a.json"),
      "--csv",
      out("a.csv"),
      "--galvo",
      out("a.txt"),
      "--order",
      "shortest",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const word of ["spots", "stamps", "treatment time", "path length", "heat index"])
      expect(r.stdout).toContain(word);
    const doc = JSON.parse(readFileSync(out("a.json"), "utf8"));
    expect(doc.format).toBe("laserscan-scan");
    expect(doc.plan.sequence.order).toBe("shortest");
    const csv = readFileSync(out("a.csv"), "utf8").trimEnd().split("\n");
    expect(csv[0]).toBe("index,xMm,yMm,tMs,stamp,pulses,energyMj");
    expect(csv.length).toBe(doc.stats.spots + 1);
    const galvo = readFileSync(out("a.txt"), "utf8");
    expect(galvo.split("\n").filter((l) => l.startsWith("fire")).length).toBe(doc.stats.spots);
  });

  it("--json prints only the stats; the same plan and seed give the same bytes", () => {
    const a = runCli(["scan", plan, "--json", "-o", out("b1.json"), "--seed", "5", "--heat"]);
    const b = runCli(["scan", plan, "--json", "-o", out("b2.json"), "--seed", "5", "--heat"]);
    expect(a.code).toBe(0);
    const stats = JSON.parse(a.stdout);
    expect(Object.keys(stats)).toEqual([
      "spots",
      "areaMm2",
      "densityPerCm2",
      "coverage",
      "stamps",
      "treatmentMs",
      "pathLengthMm",
      "heat",
      "warnings",
    ]);
    expect(stats.areaMm2).toBe(180);
    expect(readFileSync(out("b1.json"))).toEqual(readFileSync(out("b2.json")));
    expect(JSON.parse(readFileSync(out("b1.json"), "utf8")).spots.heat.length).toBe(stats.spots);
    expect(b.stdout).toBe(a.stdout);
  });

  it("scans the default named plan", () => {
    const r = runCli(["scan", "fractional-co2-demo", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).spots).toBeGreaterThan(1000);
  });

  it("refuses bad input with exit 2, one line, and writes nothing", () => {
    const missing = runCli(["scan", plan, "-o", join(dir, "no-such-folder", "x.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split("\n").length).toBe(1);
    expect(missing.stderr).toContain("--output");
    const bits = runCli(["scan", plan, "-o", out("c.json"), "--galvo", out("c.txt"), "--bits-per-mm", "1e6"]);
    expect(bits.code).toBe(2);
    expect(bits.stderr).toContain("--bits-per-mm");
    expect(existsSync(out("c.json"))).toBe(false);
    expect(existsSync(out("c.txt"))).toBe(false);
    const order = runCli(["scan", plan, "--order", "spiral"]);
    expect(order.code).toBe(2);
    expect(order.stderr).toMatch(/sequence\.order/);
  });
});
