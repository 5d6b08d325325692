/**
 * DXF export read back with an independent parser (dxf-parser): units, layers, POINTs and
 * CIRCLEs in firing order to 1 µm, the outline as closed LWPOLYLINEs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DxfParser as DxfParserClass } from "dxf-parser";
import dxfParserDefault from "dxf-parser";
import { describe, expect, it } from "vitest";
import { createArea } from "../../src/area/index.js";
import { PlanError } from "../../src/errors.js";
import { DXF_MAX_SPOTS, scanDxf } from "../../src/io/dxf.js";
import { generatePattern } from "../../src/pattern/index.js";
import { resolvePlan } from "../../src/plan/load.js";
import { buildScan, type Scan } from "../../src/sequence/index.js";
import { runCli } from "../helpers/cli.js";
import { rawPlan } from "../helpers/plans.js";

// dxf-parser ships a CommonJS bundle whose default export is the parser class; its type
// declarations describe the ES module instead.
const DxfParser = dxfParserDefault as unknown as typeof DxfParserClass;

interface Entity {
  type: string;
  layer: string;
  position?: { x: number; y: number };
  center?: { x: number; y: number };
  radius?: number;
  vertices?: { x: number; y: number }[];
  shape?: boolean;
}

function parse(text: string) {
  const doc = new DxfParser().parseSync(text) as unknown as {
    header: Record<string, unknown>;
    tables: { layer: { layers: Record<string, unknown> } };
    entities: Entity[];
  };
  return doc;
}

const UM = 1e-3;

describe("scan DXF", () => {
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
  const plan = resolvePlan(
    rawPlan({
      spot: { diameterUm: 300, profile: "gaussian" },
      area: { shape: "polygon", rings },
      sequence: { order: "random", seed: 5 },
    }),
    ".",
  );
  const area = createArea(plan.area);
  const scan = buildScan(plan, area, generatePattern(plan, area));
  const doc = parse(scanDxf(plan.spot.diameterUm, area, scan));
  const on = (layer: string, type: string) =>
    doc.entities.filter((e) => e.layer === layer && e.type === type);

  it("is in millimetres with the three layers", () => {
    expect(doc.header.$INSUNITS).toBe(4);
    for (const name of ["spots", "spot-size", "outline"])
      expect(doc.tables.layer.layers).toHaveProperty(name);
  });

  it("has one POINT per spot on layer spots, in firing order, to 1 µm", () => {
    const points = on("spots", "POINT");
    expect(scan.xMm.length).toBeGreaterThan(50);
    expect(points.length).toBe(scan.xMm.length);
    points.forEach((p, i) => {
      expect(Math.abs((p.position?.x ?? Number.NaN) - scan.xMm[i])).toBeLessThan(UM);
      expect(Math.abs((p.position?.y ?? Number.NaN) - scan.yMm[i])).toBeLessThan(UM);
    });
  });

  it("has one CIRCLE of the spot radius per spot on layer spot-size, in firing order", () => {
    const circles = on("spot-size", "CIRCLE");
    expect(circles.length).toBe(scan.xMm.length);
    circles.forEach((c, i) => {
      expect(c.radius).toBeCloseTo(0.15, 9);
      expect(Math.abs((c.center?.x ?? Number.NaN) - scan.xMm[i])).toBeLessThan(UM);
      expect(Math.abs((c.center?.y ?? Number.NaN) - scan.yMm[i])).toBeLessThan(UM);
    });
  });

  it("has the outline as closed LWPOLYLINEs on layer outline", () => {
    const lines = on("outline", "LWPOLYLINE");
    expect(lines.length).toBe(2);
    lines.forEach((l, k) => {
      expect(l.shape).toBe(true);
      expect(l.vertices?.map((v) => [v.x, v.y])).toEqual(rings[k]);
    });
    expect(doc.entities.length).toBe(2 * scan.xMm.length + 2);
  });
});

describe("DXF size limit", () => {
  it("refuses more spots than the writer can hold, naming the count", () => {
    const plan = resolvePlan(rawPlan(), ".");
    const area = createArea(plan.area);
    const n = DXF_MAX_SPOTS + 1;
    const scan = { xMm: new Float64Array(n), yMm: new Float64Array(n) } as unknown as Scan;
    expect(() => scanDxf(120, area, scan)).toThrow(PlanError);
    expect(() => scanDxf(120, area, scan)).toThrow(`${n} spots`);
  });
});

describe("laserscan scan --dxf", () => {
  const dir = mkdtempSync(join(tmpdir(), "laserscan-dxf-"));
  const planPath = join(dir, "plan.json");
  writeFileSync(
    planPath,
    JSON.stringify(
      rawPlan({ area: { shape: "ellipse", widthMm: 9, heightMm: 5 }, sequence: { order: "spread" } }),
    ),
  );

  it("writes a DXF whose points equal the scan file's, in order; the same bytes twice", () => {
    for (const name of ["a", "b"]) {
      const res = runCli([
        "scan",
        planPath,
        "-o",
        join(dir, `${name}.json`),
        "--dxf",
        join(dir, `${name}.dxf`),
      ]);
      expect(res.stderr).toBe("");
      expect(res.code).toBe(0);
    }
    const text = readFileSync(join(dir, "a.dxf"), "utf8");
    expect(readFileSync(join(dir, "b.dxf"), "utf8")).toBe(text);
    const json = JSON.parse(readFileSync(join(dir, "a.json"), "utf8"));
    const points = parse(text).entities.filter((e) => e.type === "POINT");
    expect(points.length).toBe(json.spots.xMm.length);
    points.forEach((p, i) => {
      expect(p.layer).toBe("spots");
      expect(Math.abs((p.position?.x ?? Number.NaN) - json.spots.xMm[i])).toBeLessThan(UM);
      expect(Math.abs((p.position?.y ?? Number.NaN) - json.spots.yMm[i])).toBeLessThan(UM);
    });
  });
});
