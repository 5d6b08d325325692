/**
 * SVG export read back with an independent XML parser (fast-xml-parser): page size in mm, y
 * flipped, spots in firing order to 1 µm, circles of the spot size, the outline.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { createArea } from "../../src/area/index.js";
import { scanSvgChunks } from "../../src/io/svg.js";
import { generatePattern } from "../../src/pattern/index.js";
import { resolvePlan } from "../../src/plan/load.js";
import { buildScan } from "../../src/sequence/index.js";
import { runCli } from "../helpers/cli.js";
import { rawPlan } from "../helpers/plans.js";

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  isArray: (name) => name === "g" || name === "path" || name === "circle",
});

function parseSvg(text: string) {
  const doc = parser.parse(text) as { svg: Node & { g: Node[] } };
  const svg = doc.svg;
  const has = (id: string): boolean => svg.g.some((g) => g.id === id);
  const group = (id: string): Node => {
    const g = svg.g.find((q) => q.id === id);
    if (!g) throw new Error(`no group ${id}`);
    return g;
  };
  return { svg, group, has };
}

/** The points of a `M u v Z` path. */
function pathPoint(d: string): [number, number] {
  const m = /^M ([-0-9.e]+) ([-0-9.e]+) Z$/.exec(d);
  if (!m) throw new Error(`not a point path: ${d}`);
  return [Number(m[1]), Number(m[2])];
}

/** All vertices of an outline path `Mu v Lu v ... [Z]`. */
function pathVertices(d: string): [number, number][] {
  return [...d.matchAll(/[ML]([-0-9.e]+) ([-0-9.e]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

const UM = 1e-3;

function makeScan(patch: Record<string, unknown>) {
  const plan = resolvePlan(rawPlan(patch), ".");
  const area = createArea(plan.area);
  const scan = buildScan(plan, area, generatePattern(plan, area));
  return { plan, area, scan };
}

describe("scan SVG", () => {
  // A triangle with a triangular hole, offset from the origin, in random order: the order and
  // the y flip both show.
  const rings = [
    [
      [2, 1],
      [14, 1],
      [5, 11],
    ],
    [
      [5, 3],
      [8, 3],
      [6, 5],
    ],
  ];
  const { plan, area, scan } = makeScan({
    spot: { diameterUm: 300, profile: "gaussian" },
    area: { shape: "polygon", rings },
    sequence: { order: "random", seed: 3 },
  });
  const r = 0.15;
  // Page corners computed here from the plan, not by the writer: bounding box grown by r.
  const left = 2 - r;
  const top = 11 + r;
  const text = scanSvgChunks(plan.name, plan.spot.diameterUm, area, scan, { circles: true }).join("");
  const { svg, group } = parseSvg(text);

  it("has its size in mm and a viewBox in mm", () => {
    const w = 12 + 2 * r;
    const h = 10 + 2 * r;
    expect(svg.width).toMatch(/mm$/);
    expect(svg.height).toMatch(/mm$/);
    expect(Number.parseFloat(svg.width as string)).toBeCloseTo(w, 9);
    expect(Number.parseFloat(svg.height as string)).toBeCloseTo(h, 9);
    const vb = (svg.viewBox as string).split(" ").map(Number);
    expect(vb[0]).toBe(0);
    expect(vb[1]).toBe(0);
    expect(vb[2]).toBeCloseTo(w, 9);
    expect(vb[3]).toBeCloseTo(h, 9);
  });

  it("has every spot as a zero-length path, in firing order, y flipped, to 1 µm", () => {
    const paths = (group("spots").path as Node[]).map((p) => pathPoint(p.d as string));
    expect(paths.length).toBe(scan.xMm.length);
    expect(scan.xMm.length).toBeGreaterThan(50);
    for (let i = 0; i < paths.length; i++) {
      expect(Math.abs(left + paths[i][0] - scan.xMm[i])).toBeLessThan(UM);
      expect(Math.abs(top - paths[i][1] - scan.yMm[i])).toBeLessThan(UM);
    }
  });

  it("has a circle of the spot's radius per spot, in firing order", () => {
    const circles = group("spot-size").circle as Node[];
    expect(circles.length).toBe(scan.xMm.length);
    for (let i = 0; i < circles.length; i++) {
      expect(Number(circles[i].r)).toBeCloseTo(0.15, 9);
      expect(Math.abs(left + Number(circles[i].cx) - scan.xMm[i])).toBeLessThan(UM);
      expect(Math.abs(top - Number(circles[i].cy) - scan.yMm[i])).toBeLessThan(UM);
    }
  });

  it("has the outline as closed rings on its own group, y flipped", () => {
    const paths = group("outline").path as Node[];
    expect(paths.length).toBe(2);
    paths.forEach((p, k) => {
      expect(p.d as string).toMatch(/Z$/);
      const v = pathVertices(p.d as string).map(([u, w]) => [left + u, top - w]);
      expect(v.length).toBe(3);
      v.forEach(([x, y], i) => {
        expect(x).toBeCloseTo(rings[k][i][0], 9);
        expect(y).toBeCloseTo(rings[k][i][1], 9);
      });
    });
    // The apex (highest y) is nearest the page's top edge.
    const outer = pathVertices(paths[0].d as string);
    expect(Math.min(...outer.map((q) => q[1]))).toBeCloseTo(outer[2][1], 12);
    expect(outer[2][1]).toBeCloseTo(r, 9);
  });

  it("leaves the circles out unless asked", () => {
    const plain = parseSvg(scanSvgChunks(plan.name, 300, area, scan).join(""));
    expect(plain.has("spot-size")).toBe(false);
    expect((plain.group("spots").path as Node[]).length).toBe(scan.xMm.length);
  });

  it("maps any rectangle's spots back to within 1 µm (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: 1, max: 8, noNaN: true }),
        fc.double({ min: 1, max: 8, noNaN: true }),
        (ox, oy, w, h) => {
          const s = makeScan({ area: { shape: "rect", widthMm: w, heightMm: h, originMm: [ox, oy] } });
          const p = parseSvg(scanSvgChunks("p", 120, s.area, s.scan).join(""));
          const paths = (p.group("spots").path as Node[] | undefined) ?? [];
          expect(paths.length).toBe(s.scan.xMm.length);
          paths.forEach((q, i) => {
            const [u, v] = pathPoint(q.d as string);
            expect(Math.abs(ox - 0.06 + u - s.scan.xMm[i])).toBeLessThan(UM);
            expect(Math.abs(oy + h + 0.06 - v - s.scan.yMm[i])).toBeLessThan(UM);
          });
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe("laserscan scan --svg", () => {
  const dir = mkdtempSync(join(tmpdir(), "laserscan-svg-"));
  const planPath = join(dir, "plan.json");
  writeFileSync(
    planPath,
    JSON.stringify(
      rawPlan({ area: { shape: "circle", diameterMm: 8 }, sequence: { order: "spread", seed: 2 } }),
    ),
  );

  it("writes an SVG whose spots equal the scan file's, in order", () => {
    const res = runCli([
      "scan",
      planPath,
      "-o",
      join(dir, "s.json"),
      "--svg",
      join(dir, "s.svg"),
      "--svg-circles",
    ]);
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, "s.json"), "utf8"));
    const { svg, group } = parseSvg(readFileSync(join(dir, "s.svg"), "utf8"));
    expect(svg.width).toBe("8.12mm");
    const xs: number[] = doc.spots.xMm;
    const ys: number[] = doc.spots.yMm;
    const paths = (group("spots").path as Node[]).map((p) => pathPoint(p.d as string));
    expect(paths.length).toBe(xs.length);
    paths.forEach(([u, v], i) => {
      expect(Math.abs(-0.06 + u - xs[i])).toBeLessThan(UM);
      expect(Math.abs(8.06 - v - ys[i])).toBeLessThan(UM);
    });
    expect((group("spot-size").circle as Node[]).length).toBe(xs.length);
  });

  it("refuses --svg-circles without --svg in one line", () => {
    const res = runCli(["scan", planPath, "--svg-circles"]);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toContain("--svg-circles");
  });
});
