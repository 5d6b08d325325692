import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { PlanError } from "../../src/errors.js";
import { colormapLut } from "../../src/render/colormap.js";
import { renderPreview, renderPreviewWithLayout } from "../../src/render/preview.js";

// Three spots fired at 0, 5 and 10 ms in one 10 × 10 mm stamp over a 10 × 10 mm area.
const scan = {
  xMm: new Float64Array([2, 5, 8]),
  yMm: new Float64Array([8, 5, 2]),
  tMs: new Float64Array([0, 5, 10]),
  stamp: new Uint32Array([0, 0, 0]),
  stamps: [{ centreMm: [5, 5] as [number, number], originMm: [0, 0] as [number, number] }],
};
const opts = {
  spotUm: 500,
  fieldMm: [10, 10] as [number, number],
  boundsMm: { minX: 0, minY: 0, maxX: 10, maxY: 10 },
  widthPx: 500,
  jumps: 0,
};

describe("renderPreview", () => {
  it("draws each spot as a disc of its true size in its firing-time colour, high y at the top", () => {
    const { png, layout } = renderPreviewWithLayout(scan, opts);
    const img = PNG.sync.read(png);
    const lut = colormapLut("turbo");
    const at = (k: number) => [lut[4 * k], lut[4 * k + 1], lut[4 * k + 2]];
    const { map } = layout;
    expect(map.pxPerMm).toBe(50); // 500 px over 10 mm
    expect(map.topMm).toBe(10);
    const pxPerMm = 50;
    const px = (xMm: number, yMm: number) => {
      const k =
        (Math.floor(map.y + (10 - yMm) * pxPerMm) * img.width + Math.floor(map.x + xMm * pxPerMm)) * 4;
      return [img.data[k], img.data[k + 1], img.data[k + 2]];
    };
    expect(px(2, 8)).toEqual(at(0)); // first spot, upper left
    expect(px(5, 5)).toEqual(at(128)); // 5 of 10 ms → entry round(127.5) = 128
    expect(px(8, 2)).toEqual(at(255)); // last spot, lower right
    // True size: 500 µm disc = 25 px across; 11 px from the centre is inside, 14 px is outside.
    expect(px(8 + 11 / pxPerMm, 2)).toEqual(at(255));
    expect(px(8 + 14 / pxPerMm, 2)).toEqual([246, 246, 246]);
  });

  it("is deterministic and rejects bad options", () => {
    const a = renderPreview(scan, { ...opts, jumps: 2, title: "t" });
    expect(a.equals(renderPreview(scan, { ...opts, jumps: 2, title: "t" }))).toBe(true);
    expect(() => renderPreview(scan, { ...opts, jumps: -1 })).toThrow(PlanError);
    expect(() => renderPreview(scan, { ...opts, widthPx: 1 })).toThrow(PlanError);
  });
});
