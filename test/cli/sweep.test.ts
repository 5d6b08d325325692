import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { runCli, runCliAsync } from "../helpers/cli.js";
import { rawPlan } from "../helpers/plans.js";

const dir = mkdtempSync(join(tmpdir(), "laserscan-sweep-"));
const plan = join(dir, "plan.json");
writeFileSync(
  plan,
  JSON.stringify(rawPlan({ name: "small", area: { shape: "rect", widthMm: 5, heightMm: 5 } })),
);
const out = (name: string) => join(dir, name);
const VARY = ["--vary", "pattern.coverage=0.02,0.04", "--vary", "sequence.order=serpentine,spread"];

describe("laserscan sweep", () => {
  it("prints the table, writes the CSV and the chart; same sweep → same bytes", () => {
    const a = runCli(["sweep", plan, ...VARY, "--csv", out("a.csv"), "--chart", out("a.png")]);
    expect(a.stderr).toBe("");
    expect(a.code).toBe(0);
    const lines = a.stdout.trimEnd().split("\n");
    expect(lines[0].split(/\s+/)).toEqual([
      "pattern.coverage",
      "sequence.order",
      "depth.meanUm",
      "depth.p95Um",
      "depth.maxUm",
      "ablatedFraction",
      "coverage",
      "heat.max",
      "heat.p95",
      "treatmentMs",
    ]);
    expect(lines.slice(1, 5).map((l) => l.trim().split(/\s+/).slice(0, 2))).toEqual([
      ["0.02", "serpentine"],
      ["0.02", "spread"],
      ["0.04", "serpentine"],
      ["0.04", "spread"],
    ]);
    const csv = readFileSync(out("a.csv"), "utf8");
    const rows = csv.trimEnd().split("\n");
    expect(rows.length).toBe(5);
    expect(rows[0].startsWith("pattern.coverage,sequence.order,spots,areaMm2,")).toBe(true);
    expect(rows[0].endsWith(",treatmentMs,stamps,warnings")).toBe(true);
    const png = PNG.sync.read(readFileSync(out("a.png")));
    expect([png.width, png.height]).toEqual([960, 600]);

    const b = runCli(["sweep", plan, ...VARY, "--csv", out("b.csv"), "--chart", out("b.png")]);
    expect(b.stdout).toBe(a.stdout);
    expect(readFileSync(out("b.csv"))).toEqual(readFileSync(out("a.csv")));
    expect(readFileSync(out("b.png"))).toEqual(readFileSync(out("a.png")));
  });

  it("--json prints the rows only", () => {
    const r = runCli(["sweep", plan, "--vary", "pulse.energyMj=8,12", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const rows = JSON.parse(r.stdout);
    expect(rows.map((x: Record<string, unknown>) => [x.variant, x["pulse.energyMj"]])).toEqual([
      [0, 8],
      [1, 12],
    ]);
    expect(rows[1]["depth.meanUm"]).toBeGreaterThan(rows[0]["depth.meanUm"]);
    expect(Array.isArray(rows[0].warnings)).toBe(true);
  });

  it("--shard K/N then --merge reproduces the unsharded CSV byte for byte", async () => {
    const full = await runCliAsync(["sweep", plan, ...VARY, "--csv", out("full.csv")]);
    expect(full.code).toBe(0);
    const parts = [1, 2, 3].map((k) => out(`s${k}.csv`));
    for (const [i, p] of parts.entries()) {
      const r = await runCliAsync(["sweep", plan, ...VARY, "--shard", `${i + 1}/3`, "--csv", p]);
      expect(r.code).toBe(0);
    }
    expect(
      readFileSync(parts[0], "utf8").split("\n")[0].startsWith("variant,variants,pattern.coverage,"),
    ).toBe(true);
    const m = await runCliAsync(["sweep", "--merge", parts[2], parts[0], parts[1], "--csv", out("all.csv")]);
    expect(m.stderr).toBe("");
    expect(m.code).toBe(0);
    expect(readFileSync(out("all.csv"))).toEqual(readFileSync(out("full.csv")));
    expect(m.stdout).toBe(full.stdout);

    const missing = await runCliAsync(["sweep", "--merge", parts[0], parts[1], "--csv", out("bad.csv")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(missing.stderr).toContain("missing");
    const twice = await runCliAsync(["sweep", "--merge", parts[0], parts[1], parts[2], parts[1]]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("in both");
  });

  it("bad --vary key, value or shard: exit 2 and one line", () => {
    const cases: [string[], RegExp][] = [
      [["--vary", "pattern.coverag=0.1,0.2"], /did you mean "pattern\.coverage"/],
      [
        ["--vary", "pattern.coverage=0.1,-1"],
        /^laserscan: --vary pattern\.coverage=-1: pattern\.coverage: -1 is not allowed/,
      ],
      [["--vary", "sequence.order=raster,zigzag"], /sequence\.order: "zigzag" is not allowed/],
      [["--vary", "pattern.coverage"], /--vary/],
      [[], /--vary/],
      [["--vary", "pattern.coverage=0.1", "--shard", "4/3"], /--shard/],
      [["--vary", "pattern.coverage=0.1", "--metric", "depth.meanum"], /did you mean "depth\.meanUm"/],
    ];
    for (const [args, re] of cases) {
      const r = runCli(["sweep", plan, ...args, "--csv", out("never.csv")]);
      expect(r.code, args.join(" ")).toBe(2);
      const errLines = r.stderr.trimEnd().split("\n");
      expect(errLines, args.join(" ")).toHaveLength(1);
      expect(errLines[0]).toMatch(re);
      expect(r.stdout).toBe("");
    }
  });
});
