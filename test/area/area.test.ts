import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { createArea } from "../../src/area/index.js";
import { PlanError } from "../../src/errors.js";
import { insideRings, ringArea, starRing } from "../helpers/geometry.js";

const O: [number, number] = [0, 0];

describe("analytic areas", () => {
  it("rect, circle and ellipse have their closed-form areas and bounding boxes", () => {
    const r = createArea({ shape: "rect", widthMm: 20, heightMm: 10, originMm: [5, -3] });
    expect(r.areaMm2).toBe(200);
    expect([r.minX, r.minY, r.maxX, r.maxY]).toEqual([5, -3, 25, 7]);
    const c = createArea({ shape: "circle", diameterMm: 10, originMm: O });
    expect(c.areaMm2).toBeCloseTo(Math.PI * 25, 12);
    expect(c.contains(5, 5)).toBe(true);
    expect(c.contains(0.2, 0.2)).toBe(false);
    const e = createArea({ shape: "ellipse", widthMm: 30, heightMm: 10, originMm: O });
    expect(e.areaMm2).toBeCloseTo(Math.PI * 15 * 5, 12);
    expect(e.contains(29.5, 5)).toBe(true);
    expect(e.contains(15, 9.99)).toBe(true);
    expect(e.contains(28, 8)).toBe(false);
  });

  it("spans of a circle integrate to πr² (scanline sum)", () => {
    const c = createArea({ shape: "circle", diameterMm: 8, originMm: [1, 1] });
    const out = new Float64Array(c.maxSpanValues);
    const dy = 0.001;
    let sum = 0;
    for (let y = c.minY + dy / 2; y < c.maxY; y += dy) {
      const n = c.spans(y, out);
      for (let s = 0; s < n; s += 2) sum += (out[s + 1] - out[s]) * dy;
    }
    expect(sum).toBeCloseTo(Math.PI * 16, 3);
  });
});

describe("polygon areas", () => {
  const outer: [number, number][] = [
    [0, 0],
    [10, 0],
    [10, 10],
    [0, 10],
  ];
  const hole: [number, number][] = [
    [3, 3],
    [7, 3],
    [7, 7],
    [3, 7],
  ];

  it("a hole is subtracted from the area and is outside", () => {
    const a = createArea({ shape: "polygon", rings: [outer, hole], originMm: O });
    expect(a.areaMm2).toBeCloseTo(100 - 16, 12);
    expect(a.contains(5, 5)).toBe(false);
    expect(a.contains(1, 5)).toBe(true);
  });

  it("originMm shifts every coordinate", () => {
    const a = createArea({ shape: "polygon", rings: [outer], originMm: [100, 50] });
    expect([a.minX, a.minY, a.maxX, a.maxY]).toEqual([100, 50, 110, 60]);
  });

  it("rejects self-intersecting rings and rings of fewer than 3 points", () => {
    const bowtie: [number, number][] = [
      [0, 0],
      [10, 10],
      [10, 0],
      [0, 5],
    ];
    expect(() => createArea({ shape: "polygon", rings: [bowtie], originMm: O })).toThrow(/cross/);
    expect(() =>
      createArea({
        shape: "polygon",
        rings: [
          [
            [0, 0],
            [1, 1],
          ],
        ],
        originMm: O,
      }),
    ).toThrow(PlanError);
  });

  it("contains agrees with an independent crossing test on random star polygons with holes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.5, max: 1, noNaN: true }), { minLength: 8, maxLength: 40 }),
        fc.array(fc.double({ min: 0.05, max: 0.3, noNaN: true }), { minLength: 3, maxLength: 12 }),
        fc.array(
          fc.tuple(
            fc.double({ min: -12, max: 12, noNaN: true }),
            fc.double({ min: -12, max: 12, noNaN: true }),
          ),
          {
            minLength: 50,
            maxLength: 50,
          },
        ),
        (ro, rh, pts) => {
          const rings = [
            starRing(
              0,
              0,
              ro.map((r) => 10 * r),
            ),
            starRing(
              0,
              0,
              rh.map((r) => 10 * r),
            ),
          ];
          const a = createArea({ shape: "polygon", rings, originMm: O });
          expect(a.areaMm2).toBeCloseTo(ringArea(rings[0]) - ringArea(rings[1]), 9);
          for (const [x, y] of pts) expect(a.contains(x, y)).toBe(insideRings(rings, x, y));
        },
      ),
      { numRuns: 60 },
    );
  });
});

function writeMask(dir: string, w: number, h: number, on: (c: number, r: number) => boolean): string {
  const png = new PNG({ width: w, height: h });
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++) {
      const p = 4 * (r * w + c);
      const v = on(c, r) ? 255 : 0;
      png.data[p] = v;
      png.data[p + 1] = v;
      png.data[p + 2] = v;
      png.data[p + 3] = 255;
    }
  const path = join(dir, "mask.png");
  writeFileSync(path, PNG.sync.write(png));
  return path;
}

describe("mask areas", () => {
  const dir = mkdtempSync(join(tmpdir(), "laserscan-mask-"));

  it("the top row of the PNG is the highest y, the left column the lowest x", () => {
    // filled top-left quarter of a 40 × 20 px mask at 0.5 mm per pixel
    const path = writeMask(dir, 40, 20, (c, r) => c < 20 && r < 10);
    const a = createArea({ shape: "mask", path, pixelMm: 0.5, originMm: O });
    expect([a.minX, a.minY, a.maxX, a.maxY]).toEqual([0, 0, 20, 10]);
    expect(a.areaMm2).toBeCloseTo(200 * 0.25, 12);
    expect(a.contains(2, 9)).toBe(true); // high y, low x
    expect(a.contains(2, 1)).toBe(false);
    expect(a.contains(18, 9)).toBe(false);
  });

  it("a scan-file copy of the mask (toSpec) is the same area without the PNG", () => {
    const path = writeMask(dir, 16, 16, (c, r) => (c - 8) ** 2 + (r - 8) ** 2 < 40);
    const a = createArea({ shape: "mask", path, pixelMm: 0.25, originMm: [1, 2] });
    const spec = a.toSpec();
    expect(JSON.stringify(spec)).not.toContain("mask.png");
    const b = createArea(spec);
    expect(b.areaMm2).toBe(a.areaMm2);
    for (let y = 2; y < 6; y += 0.1)
      for (let x = 1; x < 5; x += 0.1) expect(b.contains(x, y)).toBe(a.contains(x, y));
  });

  it("rejects a file that is not a PNG, a truncated PNG and an empty mask", () => {
    const notPng = join(dir, "not.png");
    writeFileSync(notPng, "hello");
    expect(() => createArea({ shape: "mask", path: notPng, pixelMm: 1, originMm: O })).toThrow(
      /PNG signature/,
    );
    const good = writeMask(dir, 8, 8, () => true);
    const truncated = join(dir, "trunc.png");
    const bytes = PNG.sync.write(PNG.sync.read(readFileSync(good)));
    writeFileSync(truncated, bytes.subarray(0, 40));
    expect(() => createArea({ shape: "mask", path: truncated, pixelMm: 1, originMm: O })).toThrow(PlanError);
    const empty = writeMask(dir, 8, 8, () => false);
    expect(() => createArea({ shape: "mask", path: empty, pixelMm: 1, originMm: O })).toThrow(
      /no treated pixel/,
    );
  });
});

describe("GeoJSON areas", () => {
  it("reads a MultiPolygon Feature with a hole", () => {
    const dir = mkdtempSync(join(tmpdir(), "laserscan-geo-"));
    const path = join(dir, "area.geojson");
    writeFileSync(
      path,
      JSON.stringify({
        type: "Feature",
        properties: {},
        geometry: {
          type: "MultiPolygon",
          coordinates: [
            [
              [
                [0, 0],
                [4, 0],
                [4, 4],
                [0, 4],
                [0, 0],
              ],
              [
                [1, 1],
                [2, 1],
                [2, 2],
                [1, 2],
                [1, 1],
              ],
            ],
            [
              [
                [10, 0],
                [12, 0],
                [12, 2],
                [10, 2],
                [10, 0],
              ],
            ],
          ],
        },
      }),
    );
    const a = createArea({ shape: "geojson", path, originMm: O }, dir);
    expect(a.areaMm2).toBeCloseTo(16 - 1 + 4, 12);
    expect(a.contains(1.5, 1.5)).toBe(false);
    expect(a.contains(11, 1)).toBe(true);
    expect(a.toSpec().shape).toBe("polygon");
  });
});
