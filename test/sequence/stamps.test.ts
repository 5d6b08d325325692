import { describe, expect, it } from "vitest";
import { buildStamps } from "../../src/sequence/stamps.js";
import { randomPoints } from "./fixtures.js";

describe("stamps (docs/model.md)", () => {
  it("one stamp when the area fits the field; centre is the field centre from the lower-left corner", () => {
    const { x, y } = randomPoints(100, 15, 12, 1);
    const s = buildStamps(x, y, 100, { minX: 0, minY: 0, maxX: 15, maxY: 12 }, [20, 20], 0);
    expect(s.count).toBe(1);
    expect(Array.from(s.originMm)).toEqual([0, 0]);
    expect(Array.from(s.centreMm)).toEqual([10, 10]);
    expect(s.start[1]).toBe(100);
  });

  it("every spot lies in its stamp's field; stamps run serpentine from the bottom; empty ones dropped", () => {
    const box = { minX: 2, minY: 3, maxX: 2 + 47, maxY: 3 + 31 };
    const { x, y } = randomPoints(3000, 47, 31, 2);
    for (let i = 0; i < x.length; i++) {
      x[i] += 2;
      y[i] += 3;
    }
    // Leave a hole so that some tiles are empty.
    const keep: number[] = [];
    for (let i = 0; i < x.length; i++) if (!(x[i] > 24 && x[i] < 36 && y[i] > 14 && y[i] < 30)) keep.push(i);
    const kx = Float64Array.from(keep, (i) => x[i]);
    const ky = Float64Array.from(keep, (i) => y[i]);
    for (const [field, overlap] of [
      [[10, 8], 0],
      [[10, 8], 2],
      [[12, 12], 3.5],
    ] as [[number, number], number][]) {
      const s = buildStamps(kx, ky, kx.length, box, field, overlap);
      const stepX = field[0] - overlap;
      const stepY = field[1] - overlap;
      // Field membership and the CSR lists agree with stampOf.
      for (let k = 0; k < s.count; k++) {
        expect(s.start[k + 1]).toBeGreaterThan(s.start[k]); // no empty stamp
        for (let q = s.start[k]; q < s.start[k + 1]; q++) {
          const i = s.items[q];
          expect(s.stampOf[i]).toBe(k);
          expect(kx[i]).toBeGreaterThanOrEqual(s.originMm[2 * k] - 1e-9);
          expect(kx[i]).toBeLessThanOrEqual(s.originMm[2 * k] + field[0] + 1e-9);
          expect(ky[i]).toBeGreaterThanOrEqual(s.originMm[2 * k + 1] - 1e-9);
          expect(ky[i]).toBeLessThanOrEqual(s.originMm[2 * k + 1] + field[1] + 1e-9);
        }
      }
      // Visiting order: rows bottom-up; even rows left to right, odd rows right to left.
      const tiles = Array.from({ length: s.count }, (_, k) => ({
        c: Math.round((s.originMm[2 * k] - box.minX) / stepX),
        r: Math.round((s.originMm[2 * k + 1] - box.minY) / stepY),
      }));
      const rank = ({ c, r }: { c: number; r: number }) => r * 1000 + (r % 2 === 0 ? c : 999 - c);
      for (let k = 1; k < s.count; k++) expect(rank(tiles[k])).toBeGreaterThan(rank(tiles[k - 1]));
      for (let k = 0; k < s.count; k++)
        expect(s.centreMm[2 * k]).toBeCloseTo(box.minX + tiles[k].c * stepX + field[0] / 2, 9);
      // First stamp in visiting order that holds the spot: no earlier stamp holds it.
      for (let i = 0; i < kx.length; i++) {
        for (let k = 0; k < s.stampOf[i]; k++) {
          const inside =
            kx[i] >= s.originMm[2 * k] &&
            kx[i] <= s.originMm[2 * k] + field[0] &&
            ky[i] >= s.originMm[2 * k + 1] &&
            ky[i] <= s.originMm[2 * k + 1] + field[1];
          expect(inside).toBe(false);
        }
      }
      if (overlap === 0) expect(s.count).toBeLessThan(5 * 5); // the hole empties some of the 5 × 4 tiles
    }
  });
});
