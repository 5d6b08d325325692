/**
 * The map reading and cross-section code the view page and `render --section` share, the
 * embedding of maps into a page, and the section picture, checked against closed forms.
 */
import fc from "fast-check";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import type { Raster } from "../../src/dose/raster.js";
import * as annotate from "../../src/render/annotate.js";
import { renderSection } from "../../src/render/section.js";
import { embedFactor, pack, quantize, reduceMax, shuffle, unpack, unshuffle } from "../../src/view/build.js";
import {
  coagulationAlong,
  columnMax,
  formatTick,
  formatValue,
  layerBands,
  niceStep,
  niceTicks,
  SECTION_COLORS,
  sampleSection,
  sectionBottomUm,
  valueAtMm,
} from "../../src/view/profile.js";

/** A raster whose pixel (i, j) holds 1000·j + i: every value names its pixel. */
function indexRaster(width: number, height: number, pixelUm: number, originMm: [number, number]): Raster {
  const data = new Float32Array(width * height);
  for (let j = 0; j < height; j++) for (let i = 0; i < width; i++) data[j * width + i] = 1000 * j + i;
  return { data, width, height, pixelUm, originMm };
}

describe("valueAtMm", () => {
  const g = indexRaster(40, 30, 10, [2, -1]);
  it("reads the pixel holding the point (row 0 = lowest y)", () => {
    // (2.055, -0.985) mm is 55 µm right and 15 µm up of the corner: pixel (5, 1).
    expect(valueAtMm(g, 2.055, -0.985)).toBe(1005);
    expect(valueAtMm(g, 2.001, -0.999)).toBe(0);
    expect(valueAtMm(g, 2.399, -0.701)).toBe(1000 * 29 + 39);
  });
  it("gives the far edges to the last pixel and NaN outside", () => {
    expect(valueAtMm(g, 2.4, -0.7)).toBe(1000 * 29 + 39);
    expect(valueAtMm(g, 1.999, 0)).toBeNaN();
    expect(valueAtMm(g, 2.401, 0)).toBeNaN();
    expect(valueAtMm(g, 2.1, -1.0001)).toBeNaN();
  });
  it("property: the pixel found contains the point", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.3999, noNaN: true }),
        fc.double({ min: 0, max: 0.2999, noNaN: true }),
        (dx, dy) => {
          const v = valueAtMm(g, 2 + dx, -1 + dy);
          const i = v % 1000;
          const j = (v - i) / 1000;
          // Pixel i spans [i·10, (i+1)·10) µm (a hair of slack for the decimal → binary rounding).
          expect(dx * 1000).toBeGreaterThanOrEqual(i * 10 - 1e-6);
          expect(dx * 1000).toBeLessThan((i + 1) * 10 + 1e-6);
          expect(dy * 1000).toBeGreaterThanOrEqual(j * 10 - 1e-6);
          expect(dy * 1000).toBeLessThan((j + 1) * 10 + 1e-6);
        },
      ),
    );
  });
});

describe("sampleSection", () => {
  const g = indexRaster(200, 100, 5, [0, 0]);
  it("samples both ends and every half pixel or closer", () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true })),
        fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true })),
        ([x0, y0], [x1, y1]) => {
          const s = sampleSection(g, x0, y0, x1, y1);
          const L = Math.hypot(x1 - x0, y1 - y0);
          const n = s.sMm.length - 1;
          expect(s.sMm[0]).toBe(0);
          expect(s.sMm[n]).toBeCloseTo(L, 12);
          // sectionIntervals rounds within 1e-9 of a whole count down: the spacing may exceed half
          // a pixel by that relative hair.
          expect(L / n).toBeLessThanOrEqual(0.0025 * (1 + 1e-9) + 1e-15);
          // No more intervals than needed: n − 1 of them would be too far apart (the old bound
          // L / n > 0.9 × 0.0025 fails for L just above 4 half pixels, where n = 5 is right).
          if (L > 0.01) expect(n - 1).toBeLessThan(L / 0.0025);
        },
      ),
    );
  });
  it("along a row, reads the pixels in order: column = ⌊x / pixel⌋", () => {
    // Start a fifth of a step past a pixel edge so no sample falls on one.
    const s = sampleSection(g, 0.0105, 0.2425, 0.9105, 0.2425);
    for (let k = 0; k < s.sMm.length; k++) {
      const x = 0.0105 + s.sMm[k];
      expect(s.values[k]).toBe(1000 * 48 + Math.min(199, Math.floor(x / 0.005)));
    }
  });
  it("is NaN where the line leaves the map", () => {
    const s = sampleSection(g, -0.5, 0.1, 0.5, 0.1);
    expect(s.values[0]).toBeNaN();
    expect(s.values[s.values.length - 1]).toBe(1000 * 20 + 100);
  });
});

describe("the page's tick and number formats are the PNGs'", () => {
  it("niceStep, niceTicks, formatTick and formatValue agree with src/render/annotate.ts", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-4, max: 1e6, noNaN: true }), (v) => {
        expect(niceStep(v)).toBe(annotate.niceStep(v));
        expect(niceTicks(v)).toEqual(annotate.niceTicks(v));
        expect(formatValue(v)).toBe(annotate.formatValue(v));
        const step = niceStep(v);
        expect(formatTick(v, step)).toBe(annotate.formatTick(v, step));
      }),
    );
  });
});

describe("section layers and coagulation", () => {
  it("bands tile the plotted depth from the surface down", () => {
    const skin = { name: "cheek", epidermisUm: 45, dermisUm: 1100 };
    expect(layerBands(skin, 100)).toEqual([
      { name: "epidermis", topUm: 0, bottomUm: 45 },
      { name: "dermis", topUm: 45, bottomUm: 100 },
    ]);
    expect(layerBands(skin, 2000).map((b) => [b.name, b.topUm, b.bottomUm])).toEqual([
      ["epidermis", 0, 45],
      ["dermis", 45, 1145],
      ["subcutis", 1145, 2000],
    ]);
    expect(layerBands(skin, 30)).toEqual([{ name: "epidermis", topUm: 0, bottomUm: 30 }]);
  });
  it("the plot reaches below the deepest crater and coagulation", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 3000, noNaN: true }),
        fc.double({ min: 0, max: 3000, noNaN: true }),
        (d, c) => {
          const b = sectionBottomUm(d, c);
          expect(b).toBeGreaterThanOrEqual(Math.max(d, c, 10) * 1.2 - 1e-9);
          expect(b).toBeLessThanOrEqual(Math.max(d, c, 10) * 1.2 + niceStep(Math.max(d, c, 10) * 1.2) + 1e-9);
        },
      ),
    );
    expect(sectionBottomUm(5, 0, { name: "x", epidermisUm: 60, dermisUm: 900 })).toBeGreaterThanOrEqual(180);
  });
  it("an ablative residual layer lies under ablated samples only", () => {
    const g: Raster = {
      data: Float32Array.from([0, 20, 0, 5]),
      width: 4,
      height: 1,
      pixelUm: 10,
      originMm: [0, 0],
    };
    const s = sampleSection(g, 0.005, 0.005, 0.035, 0.005);
    const c = coagulationAlong(s, undefined, 50) as Float64Array;
    for (let k = 0; k < s.values.length; k++) expect(c[k]).toBe(s.values[k] > 0 ? s.values[k] + 50 : 0);
    expect(coagulationAlong(s, undefined, undefined)).toBeUndefined();
  });
  it("columnMax keeps the deepest sample of each column", () => {
    const sMm = Float64Array.from({ length: 101 }, (_, k) => k / 100);
    const v = Float64Array.from({ length: 101 }, (_, k) => (k === 37 ? 9 : 1));
    const cols = columnMax(sMm, v, 1, 10);
    expect(Array.from(cols)).toEqual([1, 1, 1, 9, 1, 1, 1, 1, 1, 1]);
  });
});

describe("embedding maps in a page", () => {
  it("reduces only as much as needed to fit the pixel budget", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1000, max: 5_000_000 }),
        (w, h, max) => {
          const f = embedFactor(w, h, max);
          expect(Math.ceil(w / f) * Math.ceil(h / f)).toBeLessThanOrEqual(max);
          if (f > 1) expect(Math.ceil(w / (f - 1)) * Math.ceil(h / (f - 1))).toBeGreaterThan(max);
        },
      ),
    );
    expect(embedFactor(4000, 4000)).toBe(2);
    expect(embedFactor(2000, 2000)).toBe(1);
  });
  it("a reduced pixel is the max of its block (brute force)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 17 }),
        fc.integer({ min: 1, max: 13 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer(),
        (w, h, f, seed) => {
          const data = new Float32Array(w * h);
          let s = seed | 0;
          for (let k = 0; k < data.length; k++) {
            s = (Math.imul(s, 1103515245) + 12345) | 0;
            data[k] = (s >>> 8) % 1000;
          }
          const r = reduceMax({ data, width: w, height: h, pixelUm: 10, originMm: [0, 0] }, f);
          expect(r.width).toBe(Math.ceil(w / f));
          expect(r.height).toBe(Math.ceil(h / f));
          for (let J = 0; J < r.height; J++)
            for (let I = 0; I < r.width; I++) {
              let m = 0;
              for (let j = J * f; j < Math.min(h, (J + 1) * f); j++)
                for (let i = I * f; i < Math.min(w, (I + 1) * f); i++) m = Math.max(m, data[j * w + i]);
              expect(r.data[J * r.width + I]).toBe(m);
            }
        },
      ),
    );
  });
  it("packing is lossless and deterministic", () => {
    const a = Float32Array.from({ length: 1000 }, (_, k) => Math.fround(Math.sin(k) * 100));
    const t = Float64Array.from({ length: 300 }, (_, k) => k * 1.234567891);
    const u = Uint16Array.from({ length: 77 }, (_, k) => (k * 911) % 65536);
    expect(Array.from(unpack(pack(a)))).toEqual(Array.from(a));
    expect(Array.from(unpack(pack(t)))).toEqual(Array.from(t));
    expect(Array.from(unpack(pack(u, 0.1)))).toEqual(Array.from(u));
    expect(pack(u, 0.1).umPerCount).toBe(0.1);
    expect(pack(a).b64).toBe(pack(a).b64);
  });
  it("the byte shuffle groups the k-th bytes of all elements and is undone exactly", () => {
    const b = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(Array.from(shuffle(b, 4))).toEqual([1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(1, 2, 4, 8), (bytes, size) => {
        const whole = bytes.subarray(0, bytes.length - (bytes.length % size));
        expect(Array.from(unshuffle(shuffle(whole, size), size))).toEqual(Array.from(whole));
      }),
    );
  });
  it("a reduced map is stored in 0.1 µm counts, rounded", () => {
    expect(Array.from(quantize(Float32Array.from([0, 0.04, 0.06, 12.34, -3, 1e7]), 0.1))).toEqual([
      0, 0, 1, 123, 0, 65535,
    ]);
  });
});

describe("renderSection", () => {
  // One paraboloid crater of depth D and radius R in the middle of a 3 × 1 mm map.
  const D = 200;
  const R = 0.1;
  const pix = 5;
  const W = 600;
  const H = 200;
  const data = new Float32Array(W * H);
  for (let j = 0; j < H; j++)
    for (let i = 0; i < W; i++) {
      const x = (i + 0.5) * 0.005 - 1.5;
      const y = (j + 0.5) * 0.005 - 0.5;
      data[j * W + i] = Math.max(0, D * (1 - (x * x + y * y) / (R * R)));
    }
  const raster: Raster = { data, width: W, height: H, pixelUm: pix, originMm: [0, 0] };
  const skin = { name: "cheek", epidermisUm: 45, dermisUm: 1100 };
  const line = [0.5, 0.5025, 2.5, 0.5025] as const;

  it("draws air down to the crater floor, coagulation below it, skin layers beneath", () => {
    const { png, plot, profile } = renderSection(raster, line, { coagOffsetUm: 60, skin });
    const img = PNG.sync.read(png);
    const at = (x: number, y: number) => {
      const k = (y * img.width + x) * 4;
      return `#${[img.data[k], img.data[k + 1], img.data[k + 2]].map((v) => v.toString(16).padStart(2, "0")).join("")}`;
    };
    // The deepest sample is the pixel nearest the centre.
    const centreDepth = D * (1 - (0.0025 * 0.0025 + 0.0025 * 0.0025) / (R * R));
    expect(profile.maxDepthUm).toBeCloseTo(centreDepth, 3);
    const col = plot.x + Math.floor(1.0 * plot.pxPerMm) + 1; // the crater centre, s = 1 mm
    const yFloor = Math.round(centreDepth * plot.pxPerUm);
    const yCoag = Math.round((centreDepth + 60) * plot.pxPerUm);
    expect(at(col, plot.y + 2)).toBe(SECTION_COLORS.air);
    expect(at(col, plot.y + yFloor - 3)).toBe(SECTION_COLORS.air);
    expect(at(col, plot.y + yFloor + 3)).toBe(SECTION_COLORS.coagulation);
    expect(at(col, plot.y + yCoag - 2)).toBe(SECTION_COLORS.coagulation);
    expect(at(col, plot.y + yCoag + 3)).toBe(SECTION_COLORS.dermis);
    // Beside the crater (0.3 mm away): untouched epidermis over dermis.
    const side = plot.x + Math.floor(0.7 * plot.pxPerMm);
    expect(at(side, plot.y + Math.round(20 * plot.pxPerUm))).toBe(SECTION_COLORS.epidermis);
    expect(at(side, plot.y + Math.round(70 * plot.pxPerUm))).toBe(SECTION_COLORS.dermis);
    // The crater is 2R wide where it opens: air across ±R·√(1 − 1/…) at 1 µm below the surface.
    const y1 = plot.y + Math.round(4 * plot.pxPerUm);
    const half = R * Math.sqrt(1 - 4 / D);
    expect(at(plot.x + Math.round((1 - half * 0.9) * plot.pxPerMm), y1)).toBe(SECTION_COLORS.air);
    expect(at(plot.x + Math.round((1 - half * 1.2) * plot.pxPerMm), y1)).toBe(SECTION_COLORS.epidermis);
  });
  it("is deterministic and refuses a line that misses the map", () => {
    const a = renderSection(raster, line, { coagOffsetUm: 60, skin }).png;
    const b = renderSection(raster, line, { coagOffsetUm: 60, skin }).png;
    expect(a.equals(b)).toBe(true);
    expect(() => renderSection(raster, [10, 10, 12, 10])).toThrow(/--section.*misses the map/);
  });
});
