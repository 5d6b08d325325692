import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { writeNpy } from "../../src/io/npy.js";
import { writeDepthPng } from "../../src/io/png16.js";
import { colormapLut } from "../../src/render/colormap.js";
import { runCli } from "../helpers/cli.js";
import { rawPlan } from "../helpers/plans.js";

const dir = mkdtempSync(join(tmpdir(), "laserscan-render-"));
const out = (name: string) => join(dir, name);
const plan = out("plan.json");
writeFileSync(plan, JSON.stringify(rawPlan({ area: { shape: "rect", widthMm: 6, heightMm: 4 } })));
// The raster below is 60 × 40 pixels: this plan's area at 100 µm pixels.
const mapPlan = out("map-plan.json");
writeFileSync(
  mapPlan,
  JSON.stringify(rawPlan({ area: { shape: "rect", widthMm: 6, heightMm: 4 }, raster: { pixelUm: 100 } })),
);

// 60 × 40 raster whose value is its row (y up), with one 100 µm pixel in the top row.
const W = 60;
const H = 40;
const data = new Float32Array(W * H);
for (let j = 0; j < H; j++) for (let i = 0; i < W; i++) data[j * W + i] = j;
data[(H - 1) * W + 3] = 100;
const raster = { data, width: W, height: H, pixelUm: 10, originMm: [0, 0] as [number, number] };
writeNpy(out("d.npy"), raster);
writeDepthPng(out("d.png"), raster);

const read = (p: string) => PNG.sync.read(readFileSync(p));
function count(img: PNG, rgb: number[]): number {
  let n = 0;
  for (let k = 0; k < img.data.length; k += 4)
    if (img.data[k] === rgb[0] && img.data[k + 1] === rgb[1] && img.data[k + 2] === rgb[2]) n++;
  return n;
}
const lut = colormapLut("viridis");
const top = [lut[1020], lut[1021], lut[1022]];

describe("laserscan render", () => {
  it("renders a .npy and a 16-bit .png depth map to the same picture", () => {
    const a = runCli(["render", out("d.npy"), "--heatmap", out("a.png"), "--pixel-um", "10"]);
    expect(a.stderr).toBe("");
    expect(a.code).toBe(0);
    const b = runCli(["render", out("d.png"), "--heatmap", out("b.png"), "--pixel-um", "10"]);
    expect(b.code).toBe(0);
    const ia = read(out("a.png"));
    const ib = read(out("b.png"));
    expect([ia.width, ia.height]).toEqual([ib.width, ib.height]);
    // The 100 µm pixel is the top colour (8 × 8 px enlarged: 480 / 60), once.
    expect(count(ia, top)).toBeGreaterThanOrEqual(64);
  });

  it("takes pixel size, outline and title from --plan and prints --json", () => {
    const r = runCli([
      "render",
      out("d.npy"),
      "--heatmap",
      out("c.png"),
      "--plan",
      mapPlan,
      "--contours",
      "10,30",
      "--max",
      "50",
      "--colormap",
      "magma",
      "--json",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ rasterWidth: 60, rasterHeight: 40, pixelUm: 100, maxUm: 50, clipped: true });
    const img = read(out("c.png"));
    expect([img.width, img.height]).toEqual([j.widthPx, j.heightPx]);
  });

  it("is byte-for-byte repeatable", () => {
    runCli(["render", out("d.npy"), "--heatmap", out("e1.png"), "--contours", "20", "--pixel-um", "10"]);
    runCli(["render", out("d.npy"), "--heatmap", out("e2.png"), "--contours", "20", "--pixel-um", "10"]);
    expect(readFileSync(out("e1.png")).equals(readFileSync(out("e2.png")))).toBe(true);
  });

  it("says when it assumes the pixel size", () => {
    const r = runCli(["render", out("d.npy"), "--heatmap", out("f.png")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/assuming 10 µm/);
  });

  it("refuses bad input with exit 2 and one line", () => {
    const cases: string[][] = [
      ["render", out("d.npy"), "--heatmap", out("x.jpg")],
      ["render", out("d.npy"), "--heatmap", out("x.png"), "--colormap", "jet"],
      ["render", out("d.npy"), "--heatmap", out("x.png"), "--max", "0"],
      ["render", out("d.npy"), "--heatmap", out("x.png"), "--contours", "a"],
      ["render", out("d.npy"), "--heatmap", out("x.png"), "--width", "5"],
      ["render", out("d.npy"), "--heatmap", out("x.png"), "--reduce", "median"],
      ["render", out("plan.json"), "--heatmap", out("x.png")],
      ["render", out("d.npy"), "--heatmap", join(dir, "missing", "x.png")],
      ["render", out("d.npy"), "--heatmap", out("x.png"), "--plan", plan],
      ["render", out("d.npy")],
    ];
    for (const args of cases) {
      const r = runCli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n").length, args.join(" ")).toBe(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe("simulate --heatmap / scan --preview", () => {
  it("simulate writes depth and coagulation heatmaps", () => {
    const r = runCli([
      "simulate",
      plan,
      "--heatmap",
      out("h.png"),
      "--coag-heatmap",
      out("g.png"),
      "--contours",
      "30",
      "--json",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    JSON.parse(r.stdout); // only JSON on stdout, no progress bar
    expect(read(out("h.png")).width).toBeGreaterThan(600);
    expect(read(out("g.png")).width).toBeGreaterThan(600);
  });

  it("a bad heatmap flag fails before simulating", () => {
    const r = runCli(["simulate", plan, "--heatmap", out("h.png"), "--colormap", "nope"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
  });

  it("scan --preview draws the scan", () => {
    const r = runCli(["scan", plan, "--preview", out("p.png"), "--preview-jumps", "50", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    JSON.parse(r.stdout);
    const img = read(out("p.png"));
    expect(img.width).toBeGreaterThan(600);
  });
});
