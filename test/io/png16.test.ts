import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import type { Raster } from "../../src/dose/raster.js";
import { bareDecimal, readDepthPng, scaleFor, writeDepthPng } from "../../src/io/png16.js";

const dir = mkdtempSync(join(tmpdir(), "png16-"));

describe("16-bit depth PNG (docs/formats.md)", () => {
  const data = new Float32Array(4 * 3);
  data[0] = 0; // lowest row, left
  data[11] = 687.355; // highest row, right
  data[8] = 30.5; // highest row, left
  const r: Raster = { data, width: 4, height: 3, pixelUm: 10, originMm: [0, 0] };

  it("stores umPerCount as a bare decimal tEXt and round-trips depths within half a count", () => {
    const p = join(dir, "d.png");
    const scale = writeDepthPng(p, r);
    expect(scale).toBeGreaterThanOrEqual(687.355 / 65535);
    const bytes = readFileSync(p);
    const text = bytes.toString("latin1");
    const m = /tEXtumPerCount\0([0-9.]+)/.exec(text);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(scale);
    const back = readDepthPng(p, 10);
    for (let k = 0; k < data.length; k++)
      expect(Math.abs(back.raster.data[k] - data[k])).toBeLessThanOrEqual(scale / 2);
  });

  it("is a 16-bit grayscale PNG that pngjs decodes, highest y row first", () => {
    const p = join(dir, "e.png");
    const scale = writeDepthPng(p, r);
    const png = PNG.sync.read(readFileSync(p));
    expect([png.width, png.height]).toEqual([4, 3]);
    // pngjs rescales to 8 bits: top-right (highest y, right) is the brightest, bottom row black
    expect(png.data[(0 * 4 + 3) * 4]).toBe(255);
    expect(png.data[(2 * 4 + 0) * 4]).toBe(0);
    // independent check of the raw samples: inflate the IDAT and undo the filters by hand
    const buf = readFileSync(p);
    const idatAt = buf.indexOf("IDAT");
    const len = buf.readUInt32BE(idatAt - 4);
    const raw = inflateSync(buf.subarray(idatAt + 4, idatAt + 4 + len));
    const stride = 1 + 8;
    const rows: number[][] = [];
    let prev = new Array<number>(8).fill(0);
    for (let j = 0; j < 3; j++) {
      const f = raw[j * stride];
      expect([0, 2]).toContain(f); // None or Up: undo byte-wise
      const line: number[] = [];
      for (let k = 0; k < 8; k++)
        line.push(f === 2 ? (raw[j * stride + 1 + k] + prev[k]) & 0xff : raw[j * stride + 1 + k]);
      rows.push([0, 1, 2, 3].map((i) => (line[2 * i] << 8) | line[2 * i + 1]));
      prev = line;
    }
    expect(rows[0][3]).toBe(Math.round(687.355 / scale)); // top-right of the image = highest y, right
    expect(rows[0][0]).toBe(Math.round(30.5 / scale));
    expect(rows[2][0]).toBe(0);
  });

  it("scales and decimals", () => {
    expect(scaleFor(0)).toBeGreaterThan(0);
    expect(65535 * scaleFor(1234.5)).toBeGreaterThanOrEqual(1234.5);
    expect(bareDecimal(1.05e-7)).toBe("0.000000105");
    expect(bareDecimal(0.0105)).toBe("0.0105");
  });
});
