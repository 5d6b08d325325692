/**
 * OME-Zarr maps read back by hand from the Zarr v3 files (zarr.json, chunk keys c/i/j, gunzip,
 * little-endian float32): level 0 equals the raster (and the .npy of the same run), each reduced
 * level is the 2 × 2 block mean of the level before, the metadata is what viewers need.
 */

import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Raster } from "../../src/dose/raster.js";
import { readNpy } from "../../src/io/npy.js";
import { pyramidShapes, readOmeZarr, writeOmeZarr } from "../../src/io/zarr.js";
import { CLI, runCli } from "../helpers/cli.js";

interface ArrayMeta {
  shape: [number, number];
  data_type: string;
  chunk_grid: { configuration: { chunk_shape: [number, number] } };
  chunk_key_encoding: { name: string; configuration: { separator: string } };
  codecs: { name: string; configuration: Record<string, unknown> }[];
  fill_value: number;
  dimension_names: string[];
}

/** One level as rows top first, decoded from its chunk files without any Zarr library. */
function readLevel(root: string, path: string): { meta: ArrayMeta; rows: Float32Array } {
  const meta = JSON.parse(readFileSync(join(root, path, "zarr.json"), "utf8")) as ArrayMeta;
  const [h, w] = meta.shape;
  const [ch, cw] = meta.chunk_grid.configuration.chunk_shape;
  const rows = new Float32Array(w * h);
  for (let ci = 0; ci < Math.ceil(h / ch); ci++)
    for (let cj = 0; cj < Math.ceil(w / cw); cj++) {
      const file = join(root, path, "c", String(ci), String(cj));
      const bytes = gunzipSync(readFileSync(file));
      expect(bytes.length).toBe(ch * cw * 4);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let r = 0; r < ch && ci * ch + r < h; r++)
        for (let c = 0; c < cw && cj * cw + c < w; c++)
          rows[(ci * ch + r) * w + cj * cw + c] = view.getFloat32((r * cw + c) * 4, true);
    }
  return { meta, rows };
}

/** Are two float32 arrays the same bytes? (vitest's deep equality is far too slow for millions.) */
function sameBytes(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

/** 2 × 2 block means of `rows` (w × h), blocks cut by the edge averaging what they hold. */
function blockMean(rows: Float32Array, w: number, h: number): Float32Array {
  const W = Math.ceil(w / 2);
  const H = Math.ceil(h / 2);
  const out = new Float32Array(W * H);
  for (let J = 0; J < H; J++)
    for (let I = 0; I < W; I++) {
      let s = 0;
      let n = 0;
      for (let dj = 0; dj < 2; dj++)
        for (let di = 0; di < 2; di++) {
          const j = 2 * J + dj;
          const i = 2 * I + di;
          if (j < h && i < w) {
            s += rows[j * w + i];
            n++;
          }
        }
      out[J * W + I] = s / n;
    }
  return out;
}

/** A deterministic test raster: smooth craters plus a ramp, row 0 = lowest y. */
function testRaster(width: number, height: number): Raster {
  const data = new Float32Array(width * height);
  for (let j = 0; j < height; j++)
    for (let i = 0; i < width; i++) {
      const d = Math.hypot((i % 37) - 18, (j % 41) - 20);
      data[j * width + i] = Math.max(0, 150 - 9 * d) + 0.001 * j + 1e-5 * i;
    }
  return { data, width, height, pixelUm: 7.5, originMm: [-3, 2] };
}

describe("OME-Zarr writer", () => {
  const dir = mkdtempSync(join(tmpdir(), "laserscan-zarr-"));
  const r = testRaster(2500, 1100);
  const path = join(dir, "m.zarr");

  it("writes levels 0, 1, 2 (2500 × 1100 → 1250 × 550 → 625 × 275) with OME-NGFF 0.5 metadata", async () => {
    await writeOmeZarr(path, r, "depth");
    const group = JSON.parse(readFileSync(join(path, "zarr.json"), "utf8"));
    expect(group.zarr_format).toBe(3);
    expect(group.node_type).toBe("group");
    const ms = group.attributes.ome.multiscales[0];
    expect(group.attributes.ome.version).toBe("0.5");
    expect(ms.axes).toEqual([
      { name: "y", type: "space", unit: "micrometer" },
      { name: "x", type: "space", unit: "micrometer" },
    ]);
    expect(ms.datasets.map((d: { path: string }) => d.path)).toEqual(["0", "1", "2"]);
    ms.datasets.forEach(
      (d: { coordinateTransformations: { type: string; scale?: number[] }[] }, k: number) => {
        expect(d.coordinateTransformations[0]).toEqual({
          type: "scale",
          scale: [7.5 * 2 ** k, 7.5 * 2 ** k],
        });
      },
    );
    expect(group.attributes.laserscan.originMm).toEqual([-3, 2]);
    const sizes = [
      [1100, 2500],
      [550, 1250],
      [275, 625],
    ];
    sizes.forEach(([h, w], k) => {
      const meta = JSON.parse(readFileSync(join(path, String(k), "zarr.json"), "utf8")) as ArrayMeta;
      expect(meta.shape).toEqual([h, w]);
      expect(meta.data_type).toBe("float32");
      expect(meta.dimension_names).toEqual(["y", "x"]);
      expect(meta.chunk_grid.configuration.chunk_shape).toEqual([Math.min(1024, h), Math.min(1024, w)]);
      expect(meta.codecs.map((c) => c.name)).toEqual(["bytes", "gzip"]);
      expect(meta.codecs[0].configuration.endian).toBe("little");
    });
    expect(existsSync(join(path, "3"))).toBe(false);
    // Nothing left beside the target.
    expect(readdirSync(dir)).toEqual(["m.zarr"]);
  });

  it("level 0 is the raster, rows from the highest y down, bit for bit", () => {
    const { rows } = readLevel(path, "0");
    for (let fr = 0; fr < r.height; fr++) {
      const j = r.height - 1 - fr;
      const want = r.data.subarray(j * r.width, (j + 1) * r.width);
      const got = rows.subarray(fr * r.width, (fr + 1) * r.width);
      if (!sameBytes(got, want)) expect.fail(`file row ${fr} differs`);
    }
  });

  it("each reduced level is the 2 × 2 block mean of the one before; level 2 ≈ the 4 × 4 mean of level 0", () => {
    let prev = readLevel(path, "0").rows;
    let w = r.width;
    let h = r.height;
    for (const k of [1, 2]) {
      const { rows } = readLevel(path, String(k));
      const want = blockMean(prev, w, h);
      w = Math.ceil(w / 2);
      h = Math.ceil(h / 2);
      expect(rows.length).toBe(want.length);
      let maxDiff = 0;
      for (let p = 0; p < rows.length; p++) maxDiff = Math.max(maxDiff, Math.abs(rows[p] - want[p]));
      expect(maxDiff).toBe(0);
      prev = rows;
    }
    // Level 2 against the 4 × 4 block means of level 0 (full blocks): the mean of means.
    const l0 = readLevel(path, "0").rows;
    const l2 = prev;
    for (const [J, I] of [
      [0, 0],
      [10, 300],
      [200, 600],
    ]) {
      let s = 0;
      for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) s += l0[(4 * J + j) * r.width + 4 * I + i];
      expect(l2[J * 625 + I]).toBeCloseTo(s / 16, 3);
    }
  });

  it("reads back into the same raster (render's reader), any level", async () => {
    const back = await readOmeZarr(path);
    expect(back.width).toBe(r.width);
    expect(back.pixelUm).toBe(7.5);
    expect(back.originMm).toEqual([-3, 2]);
    expect(sameBytes(back.data, r.data)).toBe(true);
    const l1 = await readOmeZarr(path, 1);
    expect([l1.width, l1.height, l1.pixelUm]).toEqual([1250, 550, 15]);
    await expect(readOmeZarr(path, 3)).rejects.toThrow(/allowed: 0 to 2/);
  });

  it("sizes the pyramid down to the first level of at most 1024 px", () => {
    expect(pyramidShapes(1000, 1000)).toHaveLength(1);
    expect(pyramidShapes(1025, 10).map((s) => s.width)).toEqual([1025, 513]);
    expect(pyramidShapes(40000, 40000).map((s) => s.width)).toEqual([
      40000, 20000, 10000, 5000, 2500, 1250, 625,
    ]);
  });
});

describe("simulate --depth f.zarr", () => {
  const dir = mkdtempSync(join(tmpdir(), "laserscan-zarr-cli-"));
  const planPath = join(dir, "plan.json");
  // A 12 × 9 mm area at 8 µm: 1500 × 1125 px, two levels, chunks cut by both edges.
  writeFileSync(
    planPath,
    JSON.stringify({
      version: 1,
      name: "zarr-test",
      laser: "co2-10600",
      spot: { diameterUm: 120 },
      pulse: { energyMj: 10 },
      pattern: { lattice: "hex", coverage: 0.1 },
      area: { shape: "ellipse", widthMm: 12, heightMm: 9 },
      raster: { pixelUm: 8 },
    }),
  );

  it("level 0 equals the .npy of the same plan, depth and coagulation", () => {
    const a = runCli([
      "simulate",
      planPath,
      "--depth",
      join(dir, "d.npy"),
      "--coag",
      join(dir, "c.npy"),
      "--json",
    ]);
    expect(a.code).toBe(0);
    const b = runCli([
      "simulate",
      planPath,
      "--depth",
      join(dir, "d.zarr"),
      "--coag",
      join(dir, "c.zarr"),
      "--json",
    ]);
    expect(b.stderr).toBe("");
    expect(b.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    for (const [npy, zarrPath, name] of [
      ["d.npy", "d.zarr", "depth"],
      ["c.npy", "c.zarr", "coagulation"],
    ]) {
      const n = readNpy(join(dir, npy));
      const { meta, rows } = readLevel(join(dir, zarrPath), "0");
      expect(meta.shape).toEqual([1125, 1500]);
      // readNpy gives row 0 = lowest y; the .zarr rows are top first, like the .npy file.
      const flipped = new Float32Array(n.data.length);
      for (let j = 0; j < n.height; j++)
        flipped.set(n.data.subarray(j * n.width, (j + 1) * n.width), (n.height - 1 - j) * n.width);
      expect(sameBytes(rows, flipped)).toBe(true);
      const group = JSON.parse(readFileSync(join(dir, zarrPath, "zarr.json"), "utf8"));
      expect(group.attributes.ome.multiscales[0].name).toBe(name);
      expect(group.attributes.ome.multiscales[0].datasets).toHaveLength(2);
    }
    expect(readNpy(join(dir, "d.npy")).data.reduce((m, v) => Math.max(m, v), 0)).toBeGreaterThan(100);
  });

  it("streamed from the splat (maps only) or written from the kept raster (with a heatmap): the same files", () => {
    const r = runCli([
      "simulate",
      planPath,
      "--depth",
      join(dir, "e.zarr"),
      "--heatmap",
      join(dir, "h.png"),
      "--json",
    ]);
    expect(r.code).toBe(0);
    const files = (readdirSync(join(dir, "d.zarr"), { recursive: true }) as string[]).sort();
    expect(files.filter((f) => f.includes("c/")).length).toBeGreaterThan(4);
    expect((readdirSync(join(dir, "e.zarr"), { recursive: true }) as string[]).sort()).toEqual(files);
    for (const f of files) {
      const a = join(dir, "d.zarr", f);
      if (statSync(a).isFile())
        expect(readFileSync(join(dir, "e.zarr", f)).equals(readFileSync(a))).toBe(true);
    }
    expect(
      readFileSync(join(dir, "e.zarr", "zarr.json")).equals(readFileSync(join(dir, "d.zarr", "zarr.json"))),
    ).toBe(true);
  });

  it("replaces an old .zarr, refuses to replace a folder that is not one", () => {
    const again = runCli(["simulate", planPath, "--depth", join(dir, "d.zarr"), "--json"]);
    expect(again.code).toBe(0);
    mkdirSync(join(dir, "photos.zarr"));
    writeFileSync(join(dir, "photos.zarr", "keep.txt"), "mine");
    const r = runCli(["simulate", planPath, "--depth", join(dir, "photos.zarr")]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("--depth");
    expect(readFileSync(join(dir, "photos.zarr", "keep.txt"), "utf8")).toBe("mine");
  });

  it("render draws a .zarr as it draws the .npy; --level draws a reduced level", () => {
    const z = runCli(["render", join(dir, "d.zarr"), "--plan", planPath, "--heatmap", join(dir, "z.png")]);
    expect(z.stderr).toBe("");
    expect(z.code).toBe(0);
    runCli(["render", join(dir, "d.npy"), "--plan", planPath, "--heatmap", join(dir, "n.png")]);
    expect(readFileSync(join(dir, "z.png")).equals(readFileSync(join(dir, "n.png")))).toBe(true);
    const l1 = runCli([
      "render",
      join(dir, "d.zarr"),
      "--level",
      "1",
      "--heatmap",
      join(dir, "l1.png"),
      "--json",
    ]);
    expect(l1.code).toBe(0);
    const info = JSON.parse(l1.stdout);
    expect([info.rasterWidth, info.rasterHeight, info.pixelUm]).toEqual([750, 563, 16]);
    const bad = runCli(["render", join(dir, "d.npy"), "--level", "1", "--heatmap", join(dir, "x.png")]);
    expect(bad.code).toBe(2);
  });
});

describe("an interrupted .zarr run", () => {
  it.each([700, 2000])(
    "SIGTERM after %i ms leaves no temp folder, and the old .zarr or a whole new one",
    async (ms) => {
      const dir = mkdtempSync(join(tmpdir(), "laserscan-zarr-int-"));
      const planPath = join(dir, "plan.json");
      writeFileSync(
        planPath,
        JSON.stringify({
          version: 1,
          name: "zarr-int",
          laser: "co2-10600",
          spot: { diameterUm: 120 },
          pulse: { energyMj: 10 },
          pattern: { lattice: "hex", coverage: 0.1 },
          area: { shape: "rect", widthMm: 40, heightMm: 40 },
          raster: { pixelUm: 10 },
        }),
      );
      const out = join(dir, "d.zarr");
      mkdirSync(out);
      writeFileSync(join(out, "zarr.json"), "old");
      const code = await new Promise<number | null>((done) => {
        const child = spawn(process.execPath, [CLI, "simulate", planPath, "--depth", out, "--json"], {
          stdio: "ignore",
        });
        setTimeout(() => child.kill("SIGTERM"), ms);
        child.on("exit", (c) => done(c));
      });
      expect(code === 143 || code === 0).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(["d.zarr", "plan.json"]);
      const head = readFileSync(join(out, "zarr.json"), "utf8");
      if (head !== "old") {
        // A whole new one: every level's metadata and the last chunk of level 0.
        for (const k of ["0", "1", "2"]) expect(existsSync(join(out, k, "zarr.json"))).toBe(true);
        expect(existsSync(join(out, "0", "c", "3", "3"))).toBe(true);
      }
    },
  );
});
