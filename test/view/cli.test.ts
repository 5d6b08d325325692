/** `laserscan view` and `render --section` from the command line: outputs, determinism, bad input. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { rawPlan } from "../helpers/plans.js";

let dir: string;
const out = (f: string) => join(dir, f);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "laserscan-view-cli-"));
  writeFileSync(
    out("plan.json"),
    JSON.stringify(rawPlan({ region: "forehead", area: { shape: "circle", diameterMm: 4 } })),
  );
  writeFileSync(
    out("small.json"),
    JSON.stringify(rawPlan({ area: { shape: "rect", widthMm: 2, heightMm: 2 } })),
  );
  const nonAblative = JSON.parse(
    readFileSync(join(import.meta.dirname, "..", "..", "patterns", "nonablative-1550.json"), "utf8"),
  );
  nonAblative.area = { shape: "rect", widthMm: 3, heightMm: 3 };
  nonAblative.scanner.fieldMm = [3, 3];
  writeFileSync(out("nonablative.json"), JSON.stringify(nonAblative));
  expect(runCli(["simulate", "plan.json", "--depth", "depth.npy", "--coag", "coag.npy"], dir).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The JSON data a page carries. */
function pageData(path: string): Record<string, unknown> {
  const html = readFileSync(path, "utf8");
  const m = /<script type="application\/json" id="laserscan-data">(.*?)<\/script>/s.exec(html);
  if (!m) throw new Error("no data in the page");
  return JSON.parse(m[1]);
}

describe("laserscan view", () => {
  it("writes one self-contained page, the same bytes every run", () => {
    const a = runCli(["view", "plan.json", "-o", "a.html", "--json"], dir);
    expect(a.stderr).toBe("");
    expect(a.code).toBe(0);
    const info = JSON.parse(a.stdout);
    expect(info.rasterPixelsPerMapPixel).toBe(1);
    expect(info.mapWidth).toBe(400);
    const b = runCli(["view", "plan.json", "-o", "b.html"], dir);
    expect(b.code).toBe(0);
    const html = readFileSync(out("a.html"), "utf8");
    expect(readFileSync(out("b.html"), "utf8")).toBe(html);
    expect(info.bytes).toBe(Buffer.byteLength(html));
    // Nothing to fetch: no external script, style, image or URL, and a policy forbidding it.
    expect(html).not.toMatch(/<script[^>]+src=|<link\b|https?:\/\//);
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
    const data = pageData(out("a.html")) as { region?: { name: string }; spots: { count: number } };
    expect(data.region?.name).toBe("forehead");
    expect(data.spots.count).toBeGreaterThan(0);
  });
  it("shows a non-ablative plan's coagulation map first", () => {
    const r = runCli(["view", "nonablative.json", "-o", "n.html"], dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const data = pageData(out("n.html")) as {
      map: { primary: string; coag?: unknown; maxCoagUm: number; maxDepthUm: number };
    };
    expect(data.map.primary).toBe("coag");
    expect(data.map.coag).toBeDefined();
    expect(data.map.maxDepthUm).toBe(0);
    expect(data.map.maxCoagUm).toBeGreaterThan(100);
  });
  it.each([
    ["an output that is not .html", ["view", "plan.json", "-o", "x.png"], /--output/],
    ["no output", ["view", "plan.json"], /output/],
    [
      "a depth map that is not .npy/.png",
      ["view", "plan.json", "--depth", "d.txt", "-o", "x.html"],
      /--depth/,
    ],
    [
      "a depth map of another plan",
      ["view", "small.json", "--depth", "depth.npy", "-o", "x.html"],
      /--depth.*400 × 400.*200 × 200/,
    ],
    ["a missing plan", ["view", "nope.json", "-o", "x.html"], /plan/],
    ["an output folder that does not exist", ["view", "plan.json", "-o", "no/x.html"], /--output/],
  ])("refuses %s (exit 2, one line)", (_, args, re) => {
    const r = runCli(args as string[], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re as RegExp);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(out("x.html"))).toBe(false);
  });
});

describe("render --section", () => {
  it("draws the profile along the line as a PNG and reports it", () => {
    const r = runCli(
      [
        "render",
        "depth.npy",
        "--plan",
        "plan.json",
        "--section",
        "0.2,2.01,3.8,2.01",
        "-o",
        "s.png",
        "--json",
      ],
      dir,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.lengthMm).toBeCloseTo(3.6, 12);
    // Samples every half pixel (10 µm pixels): 3.6 mm / 5 µm = 720 intervals.
    expect(info.samples).toBe(721);
    const png = PNG.sync.read(readFileSync(out("s.png")));
    expect(png.width).toBeGreaterThan(900);
    const again = runCli(
      ["render", "depth.npy", "--plan", "plan.json", "--section", "0.2,2.01,3.8,2.01", "-o", "s2.png"],
      dir,
    );
    expect(again.code).toBe(0);
    expect(readFileSync(out("s2.png")).equals(readFileSync(out("s.png")))).toBe(true);
  });
  it.each([
    ["three numbers", ["--section", "1,2,3", "-o", "s.png"], /--section/],
    ["a zero-length line", ["--section", "1,1,1,1", "-o", "s.png"], /--section/],
    ["no output", ["--section", "1,1,2,2"], /--output/],
    ["a line off the map", ["--section", "10,10,12,10", "-o", "t.png"], /--section.*misses the map/],
  ])("refuses %s (exit 2, one line)", (_, args, re) => {
    const r = runCli(["render", "depth.npy", "--plan", "plan.json", ...(args as string[])], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re as RegExp);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
  it("asks for --heatmap or --section", () => {
    const r = runCli(["render", "depth.npy", "--plan", "plan.json"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--heatmap.*--section/);
  });
});
