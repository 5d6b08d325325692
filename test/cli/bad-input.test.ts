/**
 * The bad-input table: every command answers each mistake with exit code 2,
 * one line on stderr naming the field, no stack trace, and leaves an existing output file as it was.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { rawPlan } from "../helpers/plans.js";

const dir = mkdtempSync(join(tmpdir(), "laserscan-bad-"));
const file = (name: string, content: string | Uint8Array | object) => {
  const p = join(dir, name);
  writeFileSync(
    p,
    typeof content === "string" || content instanceof Uint8Array ? content : JSON.stringify(content),
  );
  return p;
};

const good = file("good.json", rawPlan({ area: { shape: "rect", widthMm: 3, heightMm: 3 } }));
const plan = (name: string, patch: Record<string, unknown>) => file(name, rawPlan(patch));
const emptyPng = (() => {
  const png = new PNG({ width: 8, height: 8 });
  png.data.fill(0);
  return file("empty.png", PNG.sync.write(png));
})();
const goodPng = (() => {
  const png = new PNG({ width: 8, height: 8 });
  png.data.fill(255);
  return PNG.sync.write(png);
})();
const truncatedPng = file("truncated.png", goodPng.subarray(0, 30));
const notPng = file("not-png.png", "GIF89a not a png");
const newerScan = file("newer-scan.json", { format: "laserscan-scan", version: 9, spots: {} });
const notScan = file("other.json", { format: "something-else", version: 1 });
const readOnlyDir = join(dir, "read-only");
mkdirSync(readOnlyDir);
chmodSync(readOnlyDir, 0o555);
const isRoot = process.getuid?.() === 0;

/** [label, argv, text the one line must contain] */
const CASES: [string, string[], RegExp][] = [
  ["validate: unknown key", ["validate", plan("k.json", { patern: {} })], /patern.*did you mean "pattern"/],
  [
    "validate: misspelt nested key",
    ["validate", plan("k2.json", { spot: { diamterUm: 100 } })],
    /spot\.diamterUm.*diameterUm/,
  ],
  [
    "validate: wrong type",
    ["validate", plan("t.json", { pulse: { energyMj: "ten" } })],
    /pulse\.energyMj.*finite number/,
  ],
  [
    "validate: negative size",
    ["validate", plan("n.json", { area: { shape: "circle", diameterMm: -3 } })],
    /area\.diameterMm.*> 0/,
  ],
  [
    "validate: two densities",
    ["validate", plan("d.json", { pattern: { densityPerCm2: 500 } })],
    /exactly one of coverage/,
  ],
  ["validate: unknown preset", ["validate", plan("p.json", { laser: "co3-10600" })], /laser.*co2-10600/],
  [
    "validate: unknown lattice",
    ["validate", plan("l.json", { pattern: { lattice: "hexa" } })],
    /pattern\.lattice.*hex/,
  ],
  [
    "validate: unknown order",
    ["validate", plan("o.json", { sequence: { order: "zigzag" } })],
    /sequence\.order/,
  ],
  ["validate: newer plan version", ["validate", plan("v.json", { version: 3 })], /version.*newer/],
  ["validate: missing file", ["validate", join(dir, "nope.json")], /plan.*no such file/],
  ["validate: a folder as plan", ["validate", dir], /plan/],
  ["scan: NaN override", ["scan", good, "--coverage", "NaN"], /--coverage.*finite number/],
  ["scan: Infinity override", ["scan", good, "--energy-mj", "Infinity"], /--energy-mj.*finite/],
  ["scan: coverage ≤ 0", ["scan", good, "--coverage", "0"], /pattern\.coverage.*> 0/],
  [
    "scan: polygon of 2 points",
    [
      "scan",
      plan("p2.json", {
        area: {
          shape: "polygon",
          rings: [
            [
              [0, 0],
              [1, 1],
            ],
          ],
        },
      }),
    ],
    /area\.rings\[0\]/,
  ],
  [
    "scan: self-intersecting ring",
    [
      "scan",
      plan("bow.json", {
        area: {
          shape: "polygon",
          rings: [
            [
              [0, 0],
              [4, 4],
              [4, 0],
              [0, 2],
            ],
          ],
        },
      }),
    ],
    /area\.rings.*cross/,
  ],
  [
    "scan: mask not a PNG",
    ["scan", plan("m1.json", { area: { shape: "mask", path: notPng, pixelMm: 0.1 } })],
    /area\.path.*PNG/,
  ],
  [
    "scan: truncated PNG",
    ["scan", plan("m2.json", { area: { shape: "mask", path: truncatedPng, pixelMm: 0.1 } })],
    /area\.path/,
  ],
  [
    "scan: empty mask",
    ["scan", plan("m3.json", { area: { shape: "mask", path: emptyPng, pixelMm: 0.1 } })],
    /no treated pixel/,
  ],
  [
    "scan: area with no spot",
    ["scan", plan("tiny.json", { area: { shape: "circle", diameterMm: 0.05 } })],
    /area.*no spot/,
  ],
  [
    "scan: pulse longer than period",
    ["scan", plan("pl.json", { scanner: { pulseUs: 5000, repRateHz: 1000 } })],
    /scanner\.pulseUs/,
  ],
  [
    "scan: 10⁹ spots",
    ["scan", plan("huge.json", { area: { shape: "rect", widthMm: 5000, heightMm: 5000 } })],
    /spots.*at most/,
  ],
  ["scan: output folder missing", ["scan", good, "-o", join(dir, "no-such-dir", "s.json")], /does not exist/],
  [
    "simulate: energy below threshold",
    ["simulate", good, "--energy-mj", "0.001"],
    /pulse\.energyMj.*threshold/i,
  ],
  [
    "simulate: raster over the memory limit",
    ["simulate", good, "--pixel-um", "0.05", "--max-memory-mb", "64", "--depth", join(dir, "big.npy")],
    /memory|MB/,
  ],
  ["simulate: scan file from a newer version", ["simulate", newerScan], /version/],
  ["simulate: not a scan or plan", ["simulate", notScan], /format|version|laser/],
  [
    "simulate: depth with a bad extension",
    ["simulate", good, "--depth", join(dir, "d.tiff")],
    /--depth.*\.npy|\.png/,
  ],
  ["solve: no target", ["solve", good, "--target-depth", "-5"], /--target-depth/],
  ["solve: bad --by", ["solve", good, "--target-depth", "30", "--by", "median"], /--by/],
];
const junkNpy = file("junk.npy", "\x93NUMPY but not really");
CASES.push(
  [
    "render: missing depth map",
    ["render", join(dir, "none.npy"), "--heatmap", join(dir, "h.png")],
    /none\.npy/,
  ],
  ["render: not a depth map", ["render", junkNpy, "--heatmap", join(dir, "h.png")], /junk\.npy|npy/],
  [
    "render: unknown colormap",
    ["render", junkNpy, "--heatmap", join(dir, "h.png"), "--colormap", "viridian"],
    /--colormap.*viridis/,
  ],
  ["render: negative --max", ["render", junkNpy, "--heatmap", join(dir, "h.png"), "--max", "-3"], /--max/],
  ["sweep: unknown key", ["sweep", good, "--vary", "pattern.coverag=0.1,0.2"], /pattern\.coverag.*coverage/],
  ["sweep: bad value", ["sweep", good, "--vary", "pattern.coverage=0.1,-1"], /pattern\.coverage.*> 0/],
  ["sweep: bad shard", ["sweep", good, "--vary", "pattern.coverage=0.1,0.2", "--shard", "3/2"], /--shard/],
  // Multi-pass plans (docs/passes.md).
  [
    "scan: unknown key in a pass",
    ["scan", plan("passes-1.json", { passes: [{}, { pattern: { rotation: 45 } }] })],
    /^laserscan: passes\[1\]\.pattern\.rotation.*rotationDeg/,
  ],
  [
    "simulate: two density keys in a pass",
    ["simulate", plan("passes-2.json", { passes: [{ pattern: { coverage: 0.1, pitchUm: 500 } }] })],
    /^laserscan: passes\[0\]\.pattern.*at most one of coverage, pitchUm, densityPerCm2/,
  ],
  [
    "scan: negative pass gap",
    ["scan", plan("passes-3.json", { scanner: { passGapMs: -5 } })],
    /^laserscan: scanner\.passGapMs.*≥ 0/,
  ],
  [
    "scan: aim loops 0",
    ["scan", plan("passes-4.json", { scanner: { aim: { loops: 0 } } })],
    /^laserscan: scanner\.aim\.loops.*≥ 1/,
  ],
);
if (!isRoot)
  CASES.push([
    "scan: output folder not writable",
    ["scan", good, "-o", join(readOnlyDir, "s.json")],
    /not writable/,
  ]);

describe("bad input: exit 2, one line, the field named, the output untouched", () => {
  it.each(CASES)("%s", (_, args, message) => {
    const out = join(dir, "existing.json");
    writeFileSync(out, "previous good output");
    const withOut =
      args.includes("-o") || args[0] === "validate"
        ? args
        : [...args, ...(args[0] === "scan" ? ["-o", out] : args[0] === "simulate" ? ["--report", out] : [])];
    const r = runCli(withOut);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at |Error:/);
    expect(readFileSync(out, "utf8")).toBe("previous good output");
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("--verbose adds the stack for bug reports", () => {
    const r = runCli(["--verbose", "scan", good, "--coverage", "-1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});
