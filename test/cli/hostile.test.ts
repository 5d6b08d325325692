/**
 * Hostile inputs through the built CLI (docs/robustness.md): each class of input that used to
 * lose data, crash the runtime or give a silently wrong result now exits 2 (user mistake) or 1
 * (disk full) with one line, leaves existing files as they were and no temp file behind.
 */
import { execFileSync, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportError } from "../../src/cli/run.js";
import { crc32 } from "../../src/io/png16.js";
import { CLI, runCli, runCliAsync } from "../helpers/cli.js";
import { rawPlan } from "../helpers/plans.js";

const dir = mkdtempSync(join(tmpdir(), "laserscan-hostile-"));
const at = (name: string) => join(dir, name);
const put = (name: string, content: string | Uint8Array | object): string => {
  writeFileSync(
    at(name),
    typeof content === "string" || content instanceof Uint8Array ? content : JSON.stringify(content),
  );
  return at(name);
};
const isRoot = process.getuid?.() === 0;
const small = { area: { shape: "rect", widthMm: 3, heightMm: 3 } };
const plan = put("plan.json", rawPlan(small));

/** One line on stderr, exit `code`, the line matching `re`. */
function expectRefused(r: { code: number; stderr: string }, re: RegExp, code = 2): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(re);
  expect(r.stderr).not.toMatch(/internal error|this is a bug|\n\s+at /);
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
const SIG = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
function ihdr(w: number, h: number, depth = 16, colorType = 0): Buffer {
  const b = Buffer.alloc(13);
  b.writeUInt32BE(w, 0);
  b.writeUInt32BE(h, 4);
  b[8] = depth;
  b[9] = colorType;
  return chunk("IHDR", b);
}
function depthPng(w: number, h: number, raw: Uint8Array, scale = "0.01", idat?: Uint8Array): Buffer {
  return Buffer.concat([
    SIG,
    ihdr(w, h),
    chunk("tEXt", Buffer.from(`umPerCount\0${scale}`, "latin1")),
    chunk("IDAT", idat ?? deflateSync(raw)),
    chunk("IEND", new Uint8Array(0)),
  ]);
}
function npy(shape: string, values: number[]): Buffer {
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  dict += " ".repeat(63 - ((10 + dict.length) % 64)) + "\n";
  const head = Buffer.alloc(10);
  Buffer.from("\x93NUMPY", "latin1").copy(head);
  head[6] = 1;
  head.writeUInt16LE(dict.length, 8);
  const data = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => {
    data.writeFloatLE(v, 4 * i);
  });
  return Buffer.concat([head, Buffer.from(dict, "latin1"), data]);
}

describe("data loss: inputs and outputs on the same file", () => {
  it("scan <plan> -o <plan>: refused naming --output and the plan, the plan untouched", () => {
    const p = put("inout.json", rawPlan(small));
    const before = readFileSync(p, "utf8");
    expectRefused(runCli(["scan", p, "-o", p]), /--output.*input plan/);
    expect(readFileSync(p, "utf8")).toBe(before);
  });

  it("simulate <scan file> --report <scan file>: refused, the scan file untouched", () => {
    const s = at("s.json");
    expect(runCli(["scan", plan, "-o", s]).code).toBe(0);
    const before = readFileSync(s, "utf8");
    expectRefused(runCli(["simulate", s, "--report", s]), /--report.*input/);
    expect(readFileSync(s, "utf8")).toBe(before);
  });

  it("render d.png --heatmap d.png: refused, the depth map untouched", () => {
    const d = at("d.png");
    expect(runCli(["simulate", plan, "--depth", d]).code).toBe(0);
    const before = readFileSync(d);
    expectRefused(runCli(["render", d, "--heatmap", d]), /--heatmap.*input/);
    expect(readFileSync(d).equals(before)).toBe(true);
  });

  it("two outputs on one path (also through another spelling of it): refused naming both flags", () => {
    expectRefused(
      runCli(["simulate", plan, "--depth", at("same.png"), "--heatmap", at("same.png")]),
      /--depth.*--heatmap|--heatmap.*--depth/,
    );
    expectRefused(
      runCli(["scan", plan, "-o", at("o.json"), "--csv", join(dir, ".", "o.json")]),
      /--csv.*--output/,
    );
    expect(existsSync(at("same.png"))).toBe(false);
  });

  it("sweep --merge a.csv b.csv --csv a.csv: refused, the shard untouched", async () => {
    const a = at("a.csv");
    const b = at("b.csv");
    for (const [k, f] of [
      ["1", a],
      ["2", b],
    ])
      expect(
        (
          await runCliAsync([
            "sweep",
            plan,
            "--vary",
            "pattern.coverage=0.05,0.1",
            "--shard",
            `${k}/2`,
            "--csv",
            f,
          ])
        ).code,
      ).toBe(0);
    const before = readFileSync(a, "utf8");
    expectRefused(await runCliAsync(["sweep", "--merge", a, b, "--csv", a]), /--csv.*--merge|--merge.*--csv/);
    expect(readFileSync(a, "utf8")).toBe(before);
  });
});

describe("special files and odd paths as outputs", () => {
  it.skipIf(!isRoot)("a character device is written in place, never replaced by a regular file", () => {
    const dev = at("null-dev");
    execFileSync("mknod", [dev, "c", "1", "3"]);
    expect(runCli(["scan", plan, "-o", dev, "--csv", at("c.csv")]).code).toBe(0);
    expect(statSync(dev).isCharacterDevice()).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("a FIFO with a reader gets the whole file and stays a FIFO", async () => {
    const fifo = at("out.fifo");
    execFileSync("mkfifo", [fifo]);
    const reader = spawn("cat", [fifo]);
    let got = "";
    reader.stdout.on("data", (d: Buffer) => {
      got += d.toString();
    });
    const closed = new Promise((done) => reader.on("close", done));
    const r = await new Promise<number | null>((done) => {
      const child = spawn(process.execPath, [CLI, "scan", plan, "-o", fifo], { stdio: "ignore" });
      child.on("exit", (code) => done(code));
    });
    await closed;
    expect(r).toBe(0);
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(JSON.parse(got).format).toBe("laserscan-scan");
  });

  it("a socket is refused", async () => {
    const sock = at("s.sock");
    const server = createServer();
    await new Promise<void>((done) => server.listen(sock, done));
    try {
      expectRefused(runCli(["scan", plan, "-o", sock]), /--output.*socket/);
    } finally {
      server.close();
    }
  });

  it("a trailing slash is refused and the file of that name kept", () => {
    const out = put("kept.json", "previous");
    expectRefused(runCli(["scan", plan, "-o", `${out}/`]), /--output.*ending in \//);
    expect(readFileSync(out, "utf8")).toBe("previous");
  });

  it('"-" writes text and JSON outputs to stdout (summary to stderr), and is refused for binary ones', async () => {
    const r = await runCliAsync(["scan", plan, "-o", "-"], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).format).toBe("laserscan-scan");
    expect(r.stderr).toMatch(/spots/);
    expect(existsSync(at("-"))).toBe(false);
    const csv = await runCliAsync(["scan", plan, "--csv", "-"], dir);
    expect(csv.stdout.split("\n")[0]).toBe("index,xMm,yMm,tMs,stamp,pulses,energyMj");
    expectRefused(await runCliAsync(["simulate", plan, "--depth", "-"], dir), /--depth.*standard output/);
    expectRefused(await runCliAsync(["simulate", plan, "--heatmap", "-"], dir), /--heatmap.*standard output/);
    expectRefused(await runCliAsync(["scan", plan, "-o", "-", "--json"], dir), /--json.*--output/);
    expect(existsSync(at("-"))).toBe(false);
  });
});

describe.skipIf(!isRoot)("a full disk", () => {
  const mnt = at("tiny");
  let mounted = false;
  beforeAll(() => {
    mkdirSync(mnt);
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt]);
      mounted = true;
    } catch {
      mounted = false;
    }
  });
  afterAll(() => {
    if (mounted) execFileSync("umount", [mnt]);
  });

  it('exit 1 "disk full while writing <file>", the old file kept, no temp file', (ctx) => {
    if (!mounted) ctx.skip();
    const out = join(mnt, "depth.npy");
    writeFileSync(out, "previous");
    const r = runCli(["simulate", plan, "--depth", out]);
    expectRefused(r, new RegExp(`disk full while writing ${out.replace(/[.]/g, "\\.")}`), 1);
    expect(readFileSync(out, "utf8")).toBe("previous");
    expect(readdirSync(mnt)).toEqual(["depth.npy"]);
  });
});

describe("depth maps: non-finite, malformed and truncated files", () => {
  const row = (w: number) => new Uint8Array(1 + 2 * w);
  const cases: [string, Buffer, RegExp][] = [
    ["+Inf in a .npy", npy("(2, 2)", [1, 2, Number.POSITIVE_INFINITY, 4]), /finite depths.*Infinity/],
    ["NaN in a .npy", npy("(1, 2)", [Number.NaN, 1]), /finite depths.*NaN/],
    ["shape (0, 0)", npy("(0, 0)", []), /at least 1 × 1/],
    ["a truncated .npy", npy("(4, 4)", [1, 2, 3]), /truncated/],
    ["umPerCount Infinity", depthPng(1, 1, row(1), "Infinity"), /umPerCount.*Infinity/],
    ["umPerCount 1e400", depthPng(1, 1, row(1), "1e400"), /umPerCount.*1e400/],
    ["IDAT that is not zlib", depthPng(2, 2, row(2), "0.01", Buffer.from("hello")), /zlib/],
    ["IHDR 100000 × 100000 with tiny data", depthPng(100000, 100000, row(4)), /100000 × 100000/],
    [
      "a 4-byte IHDR",
      Buffer.concat([SIG, chunk("IHDR", new Uint8Array(4)), chunk("IEND", new Uint8Array(0))]),
      /IHDR/,
    ],
    ["1 of 4 rows", depthPng(3, 4, row(3)), /truncated/],
    ["a chunk running past the end", depthPng(2, 2, new Uint8Array(10)).subarray(0, 50), /truncated/],
  ];
  it.each(cases)("%s: exit 2, one line", (name, bytes, re) => {
    const ext = name.includes("npy") || name.includes("shape") ? "npy" : "png";
    const f = put(`${name.replace(/\W+/g, "-")}.${ext}`, bytes);
    expectRefused(runCli(["render", f, "--heatmap", at("h.png")]), re);
    expect(existsSync(at("h.png"))).toBe(false);
  });
});

describe("plans whose numbers imply too much", () => {
  it.each([
    ["scanner.fieldMm [1e-9, 1e-9]", { scanner: { fieldMm: [1e-9, 1e-9] } }, /scanner\.fieldMm.*stamps/],
    [
      "overlapMm 0.9999999 of a 1 mm field",
      { scanner: { fieldMm: [1, 1], overlapMm: 0.9999999 } },
      /scanner\.overlapMm.*stamps/,
    ],
  ])("%s: validate, scan and simulate all exit 2 naming the field", (_, patch, re) => {
    const p = put(`big-${re.source.length}.json`, rawPlan({ ...small, ...patch }));
    for (const cmd of ["validate", "scan", "simulate"]) expectRefused(runCli([cmd, p]), re);
  });

  it("deeply nested JSON: exit 2, not a stack overflow", () => {
    const deep = `{"version":1,"zz":${"[".repeat(10000)}${"]".repeat(10000)}}`;
    expectRefused(runCli(["validate", put("deep.json", deep)]), /nested/);
  });

  it("one plan check: validate and scan refuse an energy below threshold as simulate does", () => {
    const p = put("low.json", rawPlan({ ...small, pulse: { energyMj: 0.001 } }));
    for (const cmd of ["validate", "scan", "simulate"])
      expectRefused(runCli([cmd, p]), /pulse\.energyMj.*does not ablate/);
  });
});

describe("areas", () => {
  const geo = (name: string, doc: object) => {
    put(`${name}.geojson`, doc);
    return put(`${name}.json`, rawPlan({ area: { shape: "geojson", path: `${name}.geojson` } }));
  };
  const sq = (x: number, y: number, s: number) => [
    [x, y],
    [x + s, y],
    [x + s, y + s],
    [x, y + s],
    [x, y],
  ];

  it.each([
    ["[5]", { type: "MultiPolygon", coordinates: [5] }],
    ["[null]", { type: "MultiPolygon", coordinates: [null] }],
    [
      "a position of strings",
      {
        type: "Polygon",
        coordinates: [
          [
            ["a", 1],
            [1, 1],
            [1, 0],
          ],
        ],
      },
    ],
    ["no coordinates", { type: "Feature", geometry: { type: "Polygon" } }],
  ])("GeoJSON coordinates %s: exit 2 naming where", (_, doc) => {
    expectRefused(
      runCli(["validate", geo(`g${Math.random().toString(36).slice(2)}`, doc)]),
      /area\.path.*coordinates/,
    );
  });

  it("a hole lying outside its shell is refused (the even-odd rule would treat it)", () => {
    const p = geo("hole-out", { type: "Polygon", coordinates: [sq(0, 0, 5), sq(10, 10, 2)] });
    expectRefused(runCli(["validate", p]), /coordinates\[1\].*outside its shell/);
  });

  it("embedded mask runs that overlap in a row are refused (a spot would fire twice)", () => {
    const p = put(
      "runs.json",
      rawPlan({
        area: { shape: "mask", pixelMm: 0.1, widthPx: 20, heightPx: 20, runs: [0, 0, 10, 0, 5, 15] },
      }),
    );
    expectRefused(runCli(["scan", p]), /area\.runs.*overlapping/);
  });

  it("a mask PNG lacking its last row is refused the same way on every run", () => {
    const png = new PNG({ width: 16, height: 16 });
    png.data.fill(255);
    const full = PNG.sync.write(png);
    // Re-pack the image data without its last row.
    const rows = Buffer.alloc(15 * (1 + 64), 0xff);
    for (let r = 0; r < 15; r++) rows[r * 65] = 0;
    const cut = Buffer.concat([
      full.subarray(0, 33),
      chunk("IDAT", deflateSync(rows)),
      chunk("IEND", new Uint8Array(0)),
    ]);
    const p = put("mask-cut.png", cut);
    const planPath = put(
      "mask-cut.json",
      rawPlan({ area: { shape: "mask", path: "mask-cut.png", pixelMm: 0.1 } }),
    );
    const a = runCli(["validate", planPath]);
    const b = runCli(["validate", planPath]);
    expectRefused(a, /area\.path.*truncated/);
    expect(b.stderr).toBe(a.stderr);
    expect(existsSync(p)).toBe(true);
  });
});

/** A scan file as parsed JSON (columns mutated by the cases). */
interface ScanDoc {
  format?: unknown;
  spots: Record<string, unknown[]>;
  [key: string]: unknown;
}

describe("scan files", () => {
  const scanDoc = (): ScanDoc => {
    const s = at("base.scan.json");
    if (!existsSync(s)) expect(runCli(["scan", plan, "-o", s]).code).toBe(0);
    return JSON.parse(readFileSync(s, "utf8"));
  };

  it.each([
    ["pulses 4294967296", (d: ScanDoc) => (d.spots.pulses[0] = 4294967296), /spots\.pulses\[0\]/],
    ["pulses 1.5", (d: ScanDoc) => (d.spots.pulses[1] = 1.5), /spots\.pulses\[1\]/],
    ["decreasing tMs", (d: ScanDoc) => (d.spots.tMs[2] = -1), /spots\.tMs\[2\]/],
    [
      "tMs out of order",
      (d: ScanDoc) => (d.spots.tMs[3] = (d.spots.tMs[5] as number) + 1),
      /spots\.tMs\[4\].*not decreasing/,
    ],
    ["stamp 1.5", (d: ScanDoc) => (d.spots.stamp[0] = 1.5), /spots\.stamp\[0\]/],
  ])("%s: exit 2 naming the column entry", (name, mutate, re) => {
    const d = scanDoc();
    mutate(d);
    expectRefused(runCli(["simulate", put(`${name.replace(/\W+/g, "-")}.scan.json`, d)]), re);
  });

  it("spots moved far outside their area: simulated with a warning", () => {
    const d = scanDoc();
    d.spots.xMm[0] = 1000;
    const r = runCli(["simulate", put("outside.scan.json", d), "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).warnings.join(" ")).toMatch(/1 of \d+ spots lie outside the area/);
  });

  it("a scan file with its format key written last is read as a scan file", () => {
    const d = scanDoc();
    const { format, ...rest } = d;
    const moved = { ...rest, format };
    const r = runCli(["simulate", put("format-last.scan.json", moved), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).spots).toBe(d.spots.xMm.length);
  });
});

describe("numbers and solve", () => {
  it.each(["0x10", "010", "0o7", "1e", "1_0", "Infinity", "1e400"])("--coverage %s is refused", (v) => {
    expectRefused(runCli(["validate", plan, "--coverage", v]), /--coverage/);
  });

  it("solve --threads 0 is refused as simulate refuses it", () => {
    for (const cmd of [
      ["simulate", plan],
      ["solve", plan, "--target-depth", "20"],
    ])
      expectRefused(runCli([...cmd, "--threads", "0"]), /--threads.*≥ 1/);
  });

  it("--threads beyond 4 per core is refused before any worker starts", () => {
    for (const cmd of [
      ["simulate", plan],
      ["sweep", plan, "--vary", "pattern.seed=1,2"],
    ])
      expectRefused(runCli([...cmd, "--threads", "1000000"]), /--threads.*≤/);
  });

  it("an allocation the system refuses is one line, exit 1, not called a bug", () => {
    const lines: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((t: string) => {
      lines.push(t);
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(reportError(new RangeError("Array buffer allocation failed"), false)).toBe(1);
    } finally {
      process.stderr.write = write;
    }
    expect(lines.join("")).toMatch(/^laserscan: out of memory: .*--max-memory-mb\n$/);
  });

  it("solve --vary stack with an unreachable target: exit 2 with the reachable range", () => {
    expectRefused(
      runCli(["solve", plan, "--vary", "stack", "--target-depth", "1e9"]),
      /--target-depth.*reachable is about .* µm \.\. .* µm \(stack 1 \.\. 1000\)/,
    );
  });
});

describe("work guard", () => {
  it("a stats-only simulate at 0.001 µm pixels is refused at once with the estimate and the flag to raise", () => {
    const p = put("tiny-pixels.json", rawPlan({ ...small, raster: { pixelUm: 0.001 } }));
    expectRefused(runCli(["simulate", p]), /--max-work.*estimated at .*pixel updates.*--max-work/);
  });

  it("a 1000 × 1000 sweep is refused before any variant runs", () => {
    const seeds = Array.from({ length: 1000 }, (_, i) => i + 1).join(",");
    expectRefused(
      runCli(["sweep", plan, "--vary", `pattern.seed=${seeds}`, "--vary", `sequence.seed=${seeds}`]),
      /--max-work.*1000000 variants/,
    );
  });

  it("--max-work raises (or lowers) the limit", () => {
    expectRefused(runCli(["simulate", plan, "--max-work", "1000"]), /--max-work/);
    expect(runCli(["simulate", plan, "--max-work", "1e12"]).code).toBe(0);
  });
});

describe("the same output guards on every output (view, calibrate, svg, dxf, zarr, section)", () => {
  it("scan --svg / --dxf: text outputs, '-' is standard output, and each is refused on another output's path", async () => {
    expectRefused(runCli(["scan", plan, "-o", at("p.json"), "--svg", at("p.json")]), /--svg.*--output/);
    expectRefused(runCli(["scan", plan, "--csv", at("p.csv"), "--dxf", at("p.csv")]), /--dxf.*--csv/);
    expectRefused(runCli(["scan", plan, "--dxf", plan]), /--dxf.*input plan/);
    const svg = await runCliAsync(["scan", plan, "--svg", "-"], dir);
    expect(svg.code, svg.stderr).toBe(0);
    expect(svg.stdout).toMatch(/^<\?xml|^<svg/);
    expect(svg.stderr).toMatch(/spots/);
    expect(existsSync(at("p.json")) || existsSync(at("p.csv"))).toBe(false);
  });

  it("simulate --depth and --coag on one .zarr folder: refused naming both; a .zarr read is an input", () => {
    expectRefused(
      runCli(["simulate", plan, "--depth", at("m.zarr"), "--coag", at("m.zarr")]),
      /--coag.*--depth/,
    );
    expect(existsSync(at("m.zarr"))).toBe(false);
    expect(runCli(["simulate", plan, "--depth", at("d.zarr")]).code).toBe(0);
    expectRefused(
      runCli(["render", at("d.zarr"), "--section", "0.5,1,2.5,1", "-o", "-"]),
      /--output.*standard output/,
    );
  });

  it("render --section -o: '-' refused (a PNG), the depth map is never the output", () => {
    const d = at("sec.png");
    expect(runCli(["simulate", plan, "--depth", d]).code).toBe(0);
    const before = readFileSync(d);
    expectRefused(
      runCli(["render", d, "--plan", plan, "--section", "0.5,1,2.5,1", "-o", d]),
      /--output.*input/,
    );
    expect(readFileSync(d).equals(before)).toBe(true);
  });

  it("view -o: '-' is standard output (an HTML page), refused with --json; --max-work applies", () => {
    expectRefused(runCli(["view", plan, "-o", "-", "--json"]), /--json.*--output/);
    expectRefused(runCli(["view", plan, "-o", at("v.html"), "--max-work", "1000"]), /--max-work/);
    expect(existsSync(at("v.html"))).toBe(false);
  });

  it("calibrate: -o on the measurements file refused and the file untouched; --plot '-' refused", () => {
    const csv = put("m.csv", readFileSync(join(CLI, "..", "..", "..", "patterns/lasers/data/co2-10600.csv")));
    const before = readFileSync(csv, "utf8");
    const base = ["calibrate", csv, "--model", "calibrated", "--from", "co2-10600"];
    expectRefused(runCli([...base, "-o", csv]), /-o.*input measurements/);
    expect(readFileSync(csv, "utf8")).toBe(before);
    expectRefused(runCli([...base, "-o", at("l.json"), "--plot", "-"]), /--plot.*standard output/);
    expect(existsSync(at("l.json"))).toBe(false);
  });
});

describe("multi-pass scan files and the bulk rise flags", () => {
  it("a pass index beyond the plan's passes is refused naming the entry", () => {
    const s = at("mp.json");
    expect(runCli(["scan", "micro-peel-3pass", "-o", s]).code).toBe(0);
    const doc = JSON.parse(readFileSync(s, "utf8"));
    expect(Array.isArray(doc.spots.pass)).toBe(true);
    doc.spots.pass[0] = 3; // passes 0, 1, 2
    const bad = put("mp-bad.json", doc);
    expectRefused(runCli(["simulate", bad]), /spots\.pass\[0\].*0\.\.2/);
  });

  it("scan --heat-map '-' is refused (a PNG); --max-bulk-rise-c 0x10 is not read as 16", () => {
    expectRefused(runCli(["scan", plan, "--heat-map", "-"]), /--heat-map.*standard output/);
    expectRefused(runCli(["simulate", plan, "--max-bulk-rise-c", "0x10"]), /--max-bulk-rise-c/);
  });
});
