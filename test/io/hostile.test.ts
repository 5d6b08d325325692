/**
 * Hostile inputs at the library level (docs/robustness.md): the write layer, the path guard, the
 * one number parser, JSON depth, depth-map and mask readers, GeoJSON rings, scan-file columns,
 * count bounds, the work estimate and unreachable solve targets.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { createArea, geojsonRings } from "../../src/area/index.js";
import { maskRunsFromTriples } from "../../src/area/mask.js";
import { solvePlan } from "../../src/dose/solve.js";
import { PlanError, RunError } from "../../src/errors.js";
import { checkJsonDepth } from "../../src/guard/json.js";
import { parseDecimal } from "../../src/guard/number.js";
import { checkWork, simulateWork } from "../../src/guard/work.js";
import {
  checkWritable,
  noteInput,
  setWriteForTests,
  startPathGuard,
  stopPathGuard,
  writeFileAtomic,
} from "../../src/io/atomic.js";
import { readNpy } from "../../src/io/npy.js";
import { checkPng, crc32, readDepthPng } from "../../src/io/png16.js";
import { readScanFile, scanFileJson, scanStats } from "../../src/io/scanfile.js";
import { generatePattern } from "../../src/pattern/index.js";
import { checkStampCount } from "../../src/plan/check.js";
import { resolvePlan } from "../../src/plan/load.js";
import { buildScan } from "../../src/sequence/index.js";
import { rawPlan } from "../helpers/plans.js";

const dir = mkdtempSync(join(tmpdir(), "laserscan-hostile-io-"));
const at = (n: string) => join(dir, n);

afterEach(() => stopPathGuard());

describe("write layer", () => {
  it("ENOSPC is 'disk full while writing <file>' (a RunError, not a bug); old file kept, no temp file", () => {
    const out = at("full.bin");
    writeFileSync(out, "previous");
    let calls = 0;
    const old = setWriteForTests((_fd, _buf, _off, len) => {
      if (++calls > 1) throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
      return Math.min(len, 16);
    });
    try {
      expect(() => writeFileAtomic(out, [new Uint8Array(1000), new Uint8Array(1000)])).toThrow(RunError);
      expect(() => writeFileAtomic(out, "x".repeat(100))).toThrow(/disk full while writing .*full\.bin/);
    } finally {
      setWriteForTests(old);
    }
    expect(readFileSync(out, "utf8")).toBe("previous");
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("the path guard refuses one file for two outputs, and an input as an output, naming both flags", () => {
    startPathGuard();
    checkWritable(at("a.json"), "--output");
    expect(() => checkWritable(join(dir, ".", "a.json"), "--csv")).toThrow(
      /--csv.*--output writes the same file/,
    );
    writeFileSync(at("in.json"), "{}");
    noteInput(at("in.json"), "plan");
    expect(() => checkWritable(at("in.json"), "--report")).toThrow(/--report.*input plan/);
    checkWritable(at("out.png"), "--heatmap");
    expect(() => noteInput(at("out.png"), "<depth>")).toThrow(/--heatmap.*input <depth>/);
  });

  it('"-" is standard output only where asked; a trailing slash is refused', () => {
    expect(() => checkWritable("-", "--depth")).toThrow(/standard output/);
    expect(() => checkWritable("-", "--report", { stdout: true })).not.toThrow();
    expect(() => checkWritable(`${at("x.json")}/`, "--output")).toThrow(/ending in \//);
    expect(() => writeFileAtomic(`${at("y.json")}/`, "x")).toThrow(PlanError);
    expect(existsSync(at("y.json"))).toBe(false);
  });
});

describe("one number parser", () => {
  it("reads back every finite double as printed (property)", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        expect(parseDecimal(String(d))).toBe(d === 0 ? 0 : d);
      }),
    );
  });
  it.each([
    "0x10",
    "0X1f",
    "0b1",
    "0o7",
    "010",
    "-07",
    "1e",
    "e5",
    "1_000",
    "Infinity",
    "NaN",
    "",
    " ",
    "1e400",
    "1,5",
  ])("refuses %j", (t) => expect(parseDecimal(t)).toBeUndefined());
});

describe("JSON depth", () => {
  it("10,000 levels: a PlanError, no stack overflow; 30 levels pass", () => {
    const deep = JSON.parse(`${"[".repeat(10000)}${"]".repeat(10000)}`);
    expect(() => checkJsonDepth(deep, "plan")).toThrow(PlanError);
    expect(() => checkJsonDepth(JSON.parse(`${"[".repeat(30)}${"]".repeat(30)}`), "plan")).not.toThrow();
    expect(() => resolvePlan({ ...rawPlan(), zz: deep }, dir)).toThrow(/nested/);
  });
});

describe("depth maps", () => {
  const chunk = (type: string, data: Uint8Array): Buffer => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "latin1");
    Buffer.from(data).copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const png = (w: number, h: number, raw: Uint8Array, text = "umPerCount\x000.5") => {
    const ih = Buffer.alloc(13);
    ih.writeUInt32BE(w, 0);
    ih.writeUInt32BE(h, 4);
    ih[8] = 16;
    return Buffer.concat([
      Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
      chunk("IHDR", ih),
      chunk("tEXt", Buffer.from(text, "latin1")),
      chunk("IDAT", deflateSync(raw)),
      chunk("IEND", new Uint8Array(0)),
    ]);
  };

  it("a complete 16-bit PNG reads as count × umPerCount (closed form)", () => {
    // 2 × 1, counts 2 and 300: depths 1 and 150 µm at 0.5 µm per count.
    const p = at("ok.png");
    writeFileSync(p, png(2, 1, Uint8Array.of(0, 0, 2, 1, 44)));
    expect(Array.from(readDepthPng(p).raster.data)).toEqual([1, 150]);
  });

  it("truncated rows, bad filters, a huge IHDR and non-finite scales are PlanErrors", () => {
    const cases: [Buffer, RegExp][] = [
      [png(2, 4, new Uint8Array(5)), /truncated/],
      [png(2, 1, Uint8Array.of(9, 0, 0, 0, 0)), /filter type 9/],
      [png(100000, 100000, new Uint8Array(5)), /100000 × 100000/],
      [png(1, 1, new Uint8Array(3), "umPerCount\x00Infinity"), /umPerCount/],
      [png(1, 1, new Uint8Array(3), "umPerCount\x001e400"), /umPerCount/],
      [png(1, 1, new Uint8Array(3), "umPerCount\x000x10"), /umPerCount/],
    ];
    cases.forEach(([bytes, re], i) => {
      const p = at(`bad-${i}.png`);
      writeFileSync(p, bytes);
      expect(() => readDepthPng(p)).toThrow(re);
    });
  });

  it("checkPng answers the same for every prefix of a valid file (no uninitialised memory)", () => {
    const good = png(3, 3, new Uint8Array(3 * 7));
    for (let n = 0; n < good.length; n += 7) {
      const first = (() => {
        try {
          checkPng(good.subarray(0, n), "png", "x", 1e6);
          return "ok";
        } catch (e) {
          return (e as Error).message;
        }
      })();
      expect(first).not.toBe("ok");
      expect(() => checkPng(good.subarray(0, n), "png", "x", 1e6)).toThrow(first);
    }
    expect(checkPng(good, "png", "x", 1e6).width).toBe(3);
  });

  it(".npy: +Inf, NaN and float64 beyond float32 are refused with their place; shape (0, 0) too", () => {
    const npy = (shape: string, descr: string, data: Buffer) => {
      let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
      dict += `${" ".repeat(63 - ((10 + dict.length) % 64))}\n`;
      const head = Buffer.alloc(10);
      Buffer.from("\x93NUMPY", "latin1").copy(head);
      head[6] = 1;
      head.writeUInt16LE(dict.length, 8);
      return Buffer.concat([head, Buffer.from(dict, "latin1"), data]);
    };
    const f4 = (v: number[]) => Buffer.from(new Float32Array(v).buffer);
    const f8 = (v: number[]) => Buffer.from(new Float64Array(v).buffer);
    const cases: [Buffer, RegExp][] = [
      [npy("(1, 2)", "<f4", f4([1, Number.POSITIVE_INFINITY])), /row 0, column 1 is Infinity/],
      [npy("(2, 1)", "<f4", f4([Number.NaN, 1])), /row 0, column 0 is NaN/],
      [npy("(1, 1)", "<f8", f8([1e300])), /Infinity/],
      [npy("(0, 0)", "<f4", f4([])), /at least 1 × 1/],
    ];
    cases.forEach(([bytes, re], i) => {
      const p = at(`bad-${i}.npy`);
      writeFileSync(p, bytes);
      expect(() => readNpy(p)).toThrow(re);
    });
  });
});

describe("areas", () => {
  const sq = (x: number, y: number, s: number) => [
    [x, y],
    [x + s, y],
    [x + s, y + s],
    [x, y + s],
    [x, y],
  ];
  it("malformed coordinates name where they are", () => {
    expect(() => geojsonRings({ type: "MultiPolygon", coordinates: [5] }, "f")).toThrow(/coordinates\[0\]/);
    expect(() => geojsonRings({ type: "MultiPolygon", coordinates: [null] }, "f")).toThrow(
      /coordinates\[0\]/,
    );
    expect(() =>
      geojsonRings(
        {
          type: "FeatureCollection",
          features: [
            { type: "Feature", geometry: { type: "Polygon", coordinates: [[[0, 0], [1], [1, 1]]] } },
          ],
        },
        "f",
      ),
    ).toThrow(/features\[0\]\.geometry\.coordinates\[0\]\[1\]/);
  });

  it("a hole inside its shell is subtracted (25 − 4 mm²); outside its shell it is refused", () => {
    const rings = geojsonRings({ type: "Polygon", coordinates: [sq(0, 0, 5), sq(1, 1, 2)] }, "f");
    writeFileSync(
      at("h.geojson"),
      JSON.stringify({ type: "Polygon", coordinates: [sq(0, 0, 5), sq(1, 1, 2)] }),
    );
    expect(createArea({ shape: "geojson", path: at("h.geojson"), originMm: [0, 0] }).areaMm2).toBeCloseTo(
      21,
      12,
    );
    expect(rings).toHaveLength(2);
    expect(() => geojsonRings({ type: "Polygon", coordinates: [sq(0, 0, 5), sq(10, 10, 2)] }, "f")).toThrow(
      /outside its shell/,
    );
    expect(() =>
      geojsonRings({ type: "MultiPolygon", coordinates: [[sq(0, 0, 5)], [sq(1, 1, 1)]] }, "f"),
    ).toThrow(/overlap/);
  });

  it("an area whose extent or size overflows is refused", () => {
    expect(() => createArea({ shape: "rect", widthMm: 1e308, heightMm: 1, originMm: [1e308, 0] })).toThrow(
      /finite numbers of mm/,
    );
    const big = [
      [0, 0],
      [1e200, 0],
      [1e200, 1e200],
      [0, 1e200],
    ] as [number, number][];
    expect(() => createArea({ shape: "polygon", rings: [big], originMm: [0, 0] })).toThrow(PlanError);
  });

  it("overlapping runs in a row are refused; touching runs give the exact treated area", () => {
    expect(() => maskRunsFromTriples(20, 2, [0, 0, 10, 0, 5, 15])).toThrow(/overlapping/);
    const a = createArea({
      shape: "mask",
      pixelMm: 0.1,
      widthPx: 20,
      heightPx: 2,
      runs: [0, 0, 10, 0, 10, 15],
      originMm: [0, 0],
    });
    expect(a.areaMm2).toBeCloseTo(15 * 0.01, 12);
    expect(() => maskRunsFromTriples(1e6, 1e6, [])).toThrow(/area\.widthPx/);
  });
});

describe("counts and work", () => {
  it("stamps: 10 mm over a 1 mm field is 100 stamps (allowed); 1e-9 mm fields are refused", () => {
    expect(() => checkStampCount(10, 10, [1, 1], 0)).not.toThrow();
    expect(() => checkStampCount(3, 3, [1e-9, 1e-9], 0)).toThrow(/scanner\.fieldMm/);
    expect(() => checkStampCount(10, 10, [1, 1], 0.9999999)).toThrow(/scanner\.overlapMm/);
  });

  it("the work estimate grows as 1/pixel² and the guard names --max-work", () => {
    const plan = resolvePlan(rawPlan({ area: { shape: "rect", widthMm: 4, heightMm: 4 } }), dir);
    const area = createArea(plan.area);
    const w10 = simulateWork(plan, area);
    const w1 = simulateWork({ ...plan, raster: { pixelUm: 1 } }, area);
    // 100× the raster pixels, ~(2R/p + 1)² footprint pixels, plus a fixed part: 10× .. 100×.
    expect(w1 / w10).toBeGreaterThan(10);
    expect(w1 / w10).toBeLessThanOrEqual(100);
    expect(() => checkWork(w1, w10, "this simulation")).toThrow(/--max-work.*Raise it with --max-work/);
  });

  it("solve: a stack target beyond 1000 pulses is refused with the reachable range", async () => {
    const plan = resolvePlan(rawPlan({ area: { shape: "rect", widthMm: 2, heightMm: 2 } }), dir);
    await expect(solvePlan(plan, 1e9, { vary: "stack", threads: 1 })).rejects.toThrow(/reachable is about/);
  });
});

describe("scan files", () => {
  const write = (mutate: (d: { spots: Record<string, unknown[]> }) => void): string => {
    const plan = resolvePlan(rawPlan({ area: { shape: "rect", widthMm: 2, heightMm: 2 } }), dir);
    const area = createArea(plan.area);
    const scan = buildScan(plan, area, generatePattern(plan, area));
    const doc = JSON.parse(scanFileJson(plan, area, scan, scanStats(plan, area, scan)));
    mutate(doc);
    const p = at(`s-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(p, JSON.stringify(doc));
    return p;
  };
  it("columns are checked: whole pulses 1..1000, times in order, finite numbers", () => {
    expect(() => readScanFile(write((d) => (d.spots.pulses[0] = 4294967296)))).toThrow(/spots\.pulses\[0\]/);
    expect(() => readScanFile(write((d) => (d.spots.tMs[1] = (d.spots.tMs[0] as number) - 1)))).toThrow(
      /spots\.tMs\[1\]/,
    );
    expect(() => readScanFile(write((d) => (d.spots.xMm[0] = "1")))).toThrow(/spots\.xMm\[0\]/);
  });
  it("spots outside the area are read with a warning that counts them", () => {
    const f = readScanFile(
      write((d) => {
        d.spots.xMm[0] = 1000;
        d.spots.yMm[1] = -1000;
      }),
    );
    expect(f.scan.warnings.join(" ")).toMatch(/^2 of \d+ spots lie outside the area/);
  });
});
