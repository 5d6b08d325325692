import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { runCli, runCliAsync } from "../helpers/cli.js";
import { rawPlan } from "../helpers/plans.js";

const dir = mkdtempSync(join(tmpdir(), "laserscan-sim-"));
const out = (name: string) => join(dir, name);
const plan = out("plan.json");
writeFileSync(plan, JSON.stringify(rawPlan({ area: { shape: "rect", widthMm: 10, heightMm: 8 } })));

describe("laserscan simulate", () => {
  it("prints a table, or only the report JSON with --json, and writes --report", () => {
    const t = runCli(["simulate", plan]);
    expect(t.code).toBe(0);
    for (const word of ["spots", "depth mean", "depth range", "ablated", "coagulation", "heat index"])
      expect(t.stdout).toContain(word);
    const j = runCli(["simulate", plan, "--json", "--contours", "30,150", "--report", out("r.json")]);
    expect(j.code).toBe(0);
    const rep = JSON.parse(j.stdout);
    for (const key of [
      "spots",
      "areaMm2",
      "densityPerCm2",
      "coverage",
      "depth",
      "ablatedFraction",
      "contours",
      "coagulation",
      "heat",
      "pathLengthMm",
      "treatmentMs",
      "stamps",
      "warnings",
    ])
      expect(rep).toHaveProperty(key);
    expect(Object.keys(rep.depth)).toEqual(["meanUm", "maxUm", "p95Um", "rangeUm"]);
    expect(rep.depth.rangeUm.max[0]).toBeLessThan(rep.depth.maxUm);
    expect(rep.depth.rangeUm.max[1]).toBeGreaterThan(rep.depth.maxUm);
    expect(rep.contours.map((c: { depthUm: number }) => c.depthUm)).toEqual([30, 150]);
    expect(rep.contours[0].fraction).toBeGreaterThan(rep.contours[1].fraction);
    expect(JSON.parse(readFileSync(out("r.json"), "utf8"))).toEqual(rep);
  });

  it("a spot near the top-left of the area lands at the top-left of the written .npy and .png", async () => {
    expect((await runCliAsync(["scan", plan, "-o", out("s.json")])).code).toBe(0);
    const doc = JSON.parse(readFileSync(out("s.json"), "utf8"));
    doc.spots = { xMm: [0.5], yMm: [7.5], tMs: [0], stamp: [0], pulses: [1] };
    writeFileSync(out("one.json"), JSON.stringify(doc));
    const r = await runCliAsync(["simulate", out("one.json"), "--depth", out("d.npy"), "--json"]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout).spots).toBe(1);
    expect(
      (await runCliAsync(["simulate", out("one.json"), "--depth", out("d.png"), "--coag", out("c.npy")]))
        .code,
    ).toBe(0);
    // .npy: parse the header here, find the deepest pixel
    const b = readFileSync(out("d.npy"));
    const hlen = b.readUInt16LE(8);
    const shape = /'shape': \((\d+), (\d+)\)/.exec(b.toString("latin1", 10, 10 + hlen))!;
    const [h, w] = [Number(shape[1]), Number(shape[2])];
    expect([h, w]).toEqual([800, 1000]);
    let best = -1;
    let at = 0;
    for (let k = 0; k < h * w; k++) {
      const v = b.readFloatLE(10 + hlen + 4 * k);
      if (v > best) [best, at] = [v, k];
    }
    // file row 0 is the highest y: y = 7.5 mm is row (8 − 7.5)/0.01 − ½ ≈ 49.5, x = 0.5 mm is column ≈ 49.5
    expect(Math.floor(at / w)).toBeGreaterThanOrEqual(49);
    expect(Math.floor(at / w)).toBeLessThanOrEqual(50);
    expect(at % w).toBeGreaterThanOrEqual(49);
    expect(at % w).toBeLessThanOrEqual(50);
    const png = PNG.sync.read(readFileSync(out("d.png")));
    expect(png.data[(50 * w + 50) * 4]).toBe(255);
    expect(png.data[(750 * w + 50) * 4]).toBe(0);
  });

  it("refuses a run over --max-memory-mb with exit 2 and the size needed", () => {
    const r = runCli([
      "simulate",
      plan,
      "--pixel-um",
      "0.5",
      "--depth",
      out("x.npy"),
      "--max-memory-mb",
      "100",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--max-memory-mb.*need \d+ MB/);
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
  });

  it("an energy below threshold is bad input naming pulse.energyMj", () => {
    const r = runCli(["simulate", plan, "--energy-mj", "0.1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pulse\.energyMj.*threshold/);
  });

  it("rejects a map file that is neither .npy nor .png", () => {
    const r = runCli(["simulate", plan, "--depth", out("d.tif")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--depth/);
  });
});

describe("laserscan solve", () => {
  it("--json gives energyMj, stack, coverage and predicted depth at the target", () => {
    const r = runCli(["solve", plan, "--target-depth", "40", "--json"]);
    expect(r.stderr).toBe("");
    const s = JSON.parse(r.stdout);
    expect(Object.keys(s)).toEqual(expect.arrayContaining(["energyMj", "stack", "coverage", "predicted"]));
    expect(Math.abs(s.predicted.depth.meanUm / 40 - 1)).toBeLessThan(0.01);
    const check = runCli(["simulate", plan, "--energy-mj", String(s.energyMj), "--json"]);
    expect(Math.abs(JSON.parse(check.stdout).depth.meanUm / 40 - 1)).toBeLessThan(0.01);
  });
});
