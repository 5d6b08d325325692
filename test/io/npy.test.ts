import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Raster } from "../../src/dose/raster.js";
import { readNpy, writeNpy } from "../../src/io/npy.js";

const dir = mkdtempSync(join(tmpdir(), "npy-"));
/** 3 × 2 raster; row 0 (lowest y) = [0, 1, 2], row 1 = [10, 11, 12]. */
const r: Raster = {
  data: Float32Array.of(0, 1, 2, 10, 11, 12),
  width: 3,
  height: 2,
  pixelUm: 10,
  originMm: [0, 0],
};

function hasNumpy(): boolean {
  try {
    execFileSync("python3", ["-c", "import numpy"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe(".npy (docs/formats.md)", () => {
  it("has a v1 header with <f4, C order, shape (height, width), data 64-byte aligned, top row first", () => {
    const p = join(dir, "a.npy");
    writeNpy(p, r);
    const b = readFileSync(p);
    expect(b.subarray(0, 6).toString("latin1")).toBe("\x93NUMPY");
    expect([b[6], b[7]]).toEqual([1, 0]);
    const hlen = b.readUInt16LE(8);
    expect((10 + hlen) % 64).toBe(0);
    const header = b.toString("latin1", 10, 10 + hlen);
    expect(header).toMatch(/'descr': '<f4'/);
    expect(header).toMatch(/'fortran_order': False/);
    expect(header).toMatch(/'shape': \(2, 3\)/);
    expect(header.endsWith("\n")).toBe(true);
    const vals = [];
    for (let k = 0; k < 6; k++) vals.push(b.readFloatLE(10 + hlen + 4 * k));
    expect(vals).toEqual([10, 11, 12, 0, 1, 2]);
  });

  it("reads back into memory order", () => {
    const p = join(dir, "b.npy");
    writeNpy(p, r);
    const back = readNpy(p, 10);
    expect(Array.from(back.data)).toEqual(Array.from(r.data));
    expect([back.width, back.height]).toEqual([3, 2]);
  });

  it.skipIf(!hasNumpy())("numpy loads it with shape (2, 3), float32, top row first", () => {
    const p = join(dir, "c.npy");
    writeNpy(p, r);
    const out = execFileSync("python3", [
      "-c",
      `import numpy as np; a = np.load(${JSON.stringify(p)}); print(a.shape, a.dtype, a[0].tolist(), a[1].tolist())`,
    ]).toString();
    expect(out.trim()).toBe("(2, 3) float32 [10.0, 11.0, 12.0] [0.0, 1.0, 2.0]");
  });
});
