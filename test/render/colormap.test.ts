import {
  interpolateInferno,
  interpolateMagma,
  interpolateTurbo,
  interpolateViridis,
} from "d3-scale-chromatic";
import { describe, expect, it } from "vitest";
import { PlanError } from "../../src/errors.js";
import {
  COLORMAPS,
  checkColormap,
  colormapLut,
  contrastColors,
  LUT_SIZE,
  parseCssColor,
} from "../../src/render/colormap.js";

const rgbAt = (lut: Uint8Array, k: number) => [lut[4 * k], lut[4 * k + 1], lut[4 * k + 2], lut[4 * k + 3]];

describe("colormap LUT", () => {
  it("endpoints are d3-scale-chromatic's published colours", () => {
    // The end colours of matplotlib's viridis/inferno/magma and Google's turbo, as d3 ships them.
    const expected: Record<string, [number[], number[]]> = {
      viridis: [
        [0x44, 0x01, 0x54],
        [0xfd, 0xe7, 0x25],
      ],
      inferno: [
        [0x00, 0x00, 0x04],
        [0xfc, 0xff, 0xa4],
      ],
      magma: [
        [0x00, 0x00, 0x04],
        [0xfc, 0xfd, 0xbf],
      ],
      turbo: [
        [35, 23, 27],
        [144, 12, 0],
      ],
      gray: [
        [0, 0, 0],
        [255, 255, 255],
      ],
    };
    for (const name of COLORMAPS) {
      const lut = colormapLut(name);
      expect(lut.length).toBe(LUT_SIZE * 4);
      expect(rgbAt(lut, 0)).toEqual([...expected[name][0], 255]);
      expect(rgbAt(lut, LUT_SIZE - 1)).toEqual([...expected[name][1], 255]);
    }
  });

  it("every entry i is d3's colour at t = i/255", () => {
    const fns = {
      viridis: interpolateViridis,
      inferno: interpolateInferno,
      magma: interpolateMagma,
      turbo: interpolateTurbo,
    };
    for (const [name, fn] of Object.entries(fns)) {
      const lut = colormapLut(name as keyof typeof fns);
      for (const i of [0, 1, 64, 128, 200, 255])
        expect(rgbAt(lut, i).slice(0, 3)).toEqual(parseCssColor(fn(i / 255)));
    }
  });

  it("is built once and shared", () => {
    expect(colormapLut("magma")).toBe(colormapLut("magma"));
  });

  it("parses both colour notations d3 returns", () => {
    expect(parseCssColor("#0a0b0c")).toEqual([10, 11, 12]);
    expect(parseCssColor("rgb(1, 2, 3)")).toEqual([1, 2, 3]);
  });

  it("rejects unknown names with a did-you-mean", () => {
    expect(checkColormap("turbo")).toBe("turbo");
    expect(() => checkColormap("viridus")).toThrow(PlanError);
    expect(() => checkColormap("viridus")).toThrow(/did you mean "viridis"/);
  });

  it("contour colours differ from each other and from the colours they cross", () => {
    for (const name of COLORMAPS) {
      const cols = contrastColors(name, [0.1, 0.5, 0.9]);
      expect(new Set(cols).size).toBe(3);
      const lut = colormapLut(name);
      cols.forEach((css, k) => {
        const [r, g, b] = parseCssColor(css);
        const i = Math.round([0.1, 0.5, 0.9][k] * 255);
        const d = Math.hypot(r - lut[4 * i], g - lut[4 * i + 1], b - lut[4 * i + 2]);
        expect(d).toBeGreaterThan(100);
      });
    }
  });
});
