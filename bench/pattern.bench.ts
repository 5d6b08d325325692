/** Lattice generation and inside tests across density settings. */
import { PNG } from "pngjs";
import { createArea } from "../src/area/index.js";
import { MaskArea, maskRunsFromRgba } from "../src/area/mask.js";
import type { Area } from "../src/area/types.js";
import { generatePattern } from "../src/pattern/index.js";
import { type BenchCase, benchPlan, type Suite, standalone, twelveGon } from "./common.js";

function plan(lattice: string, spotUm: number, coverage: number, area: object) {
  return benchPlan({ spot: { diameterUm: spotUm }, pattern: { lattice, coverage }, area });
}

/** Coverage that puts `spots` spots of `spotUm` on the 100 mm 12-gon. */
function coverageFor(spots: number, spotUm: number, areaMm2: number): number {
  return (spots / areaMm2) * Math.PI * (spotUm / 2000) ** 2;
}

export const suite: Suite = {
  name: "pattern",
  cases(quick) {
    const gon = { shape: "polygon", rings: [twelveGon(100)] };
    const gonArea = createArea(plan("hex", 120, 0.1, gon).area);
    const cases: BenchCase[] = [];
    const add = (lattice: string, spotUm: number, coverage: number, area: object, label: string) => {
      const p = plan(lattice, spotUm, coverage, area);
      const a = createArea(p.area);
      const n = generatePattern(p, a).count;
      cases.push({ name: `${lattice} ${label}`, fn: () => generatePattern(p, a), spots: n });
    };
    const million = coverageFor(1e6, 120, gonArea.areaMm2);
    add("hex", 120, million, gon, "1M spots, 100 mm 12-gon");
    add("poisson", 120, million, gon, "1M spots, 100 mm 12-gon");
    if (!quick) {
      for (const coverage of [0.05, 0.15, 0.3]) {
        add("hex", 120, coverage, gon, `120 µm ${coverage * 100}% 100 mm`);
        add(
          "poisson",
          120,
          coverage,
          { shape: "rect", widthMm: 20, heightMm: 20 },
          `120 µm ${coverage * 100}% 20 mm`,
        );
      }
      for (const coverage of [1.5, 3]) add("hex", 1000, coverage, gon, `1 mm ${coverage * 100}% 100 mm`);
      add("jittered", 120, 0.15, gon, "120 µm 15% 100 mm");
      add("random", 120, 0.15, gon, "120 µm 15% 100 mm");
    }
    // Inside tests: a polygon with a hole and a PNG mask, 1M points each.
    const holey = createArea({
      shape: "polygon",
      rings: [twelveGon(100), twelveGon(40).map(([x, y]): [number, number] => [x + 30, y + 30])],
      originMm: [0, 0],
    });
    cases.push(insideCase("inside: 12-gon with hole, 1M points", holey));
    cases.push(insideCase("inside: 2000² px PNG mask, 1M points", discMask(2000)));
    return cases;
  },
};

function insideCase(name: string, area: Area): BenchCase {
  const n = 1_000_000;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    xs[i] = area.minX + ((s >>> 8) / 16777216) * (area.maxX - area.minX);
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    ys[i] = area.minY + ((s >>> 8) / 16777216) * (area.maxY - area.minY);
  }
  return {
    name,
    spots: n,
    fn: () => {
      let k = 0;
      for (let i = 0; i < n; i++) if (area.contains(xs[i], ys[i])) k++;
      return k;
    },
  };
}

function discMask(px: number): Area {
  const png = new PNG({ width: px, height: px });
  const r = px / 2;
  for (let j = 0; j < px; j++)
    for (let i = 0; i < px; i++) {
      const o = 4 * (j * px + i);
      const v = (i - r) ** 2 + (j - r) ** 2 < r * r ? 255 : 0;
      png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
      png.data[o + 3] = 255;
    }
  return new MaskArea(maskRunsFromRgba(png.data, px, px), 0.05);
}

await standalone(import.meta.url, suite);
