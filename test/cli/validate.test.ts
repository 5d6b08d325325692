import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, ROOT, runCli } from "../helpers/cli.js";
import { rawPlan } from "../helpers/plans.js";

const dir = mkdtempSync(join(tmpdir(), "laserscan-validate-"));
function planFile(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return p;
}

describe("laserscan validate / presets", () => {
  it("stops quietly when the reader of its output goes away (| head)", async () => {
    const child = spawn(process.execPath, [CLI, "validate", "micro-peel-30um"], { cwd: ROOT });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    // The reader is gone before the first write (like `head` that has read all it wants).
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });

  it("prints the resolved plan of a good plan and exits 0", () => {
    const r = runCli(["validate", planFile("good.json", rawPlan()), "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.plan.scanner.jumpSpeedMmS).toBe(3000);
    expect(out.derived.expectedSpots).toBeGreaterThan(0);
  });

  it("validates a named plan by name", () => {
    const r = runCli(["validate", "fractional-co2-demo"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ok: fractional-co2-demo is valid");
  });

  it("lists named plans and lasers", () => {
    const r = runCli(["presets"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("fractional-co2-demo");
    expect(r.stdout).toContain("co2-10600");
  });

  it.each([
    ["not JSON", ["validate", "@bad"], "plan: ", /not valid JSON/],
    ["missing file", ["validate", "/nonexistent/plan.json"], "plan: ", /no such file/],
    ["NaN override", ["validate", "@good", "--coverage", "NaN"], "--coverage", /finite number/],
    ["Infinity override", ["validate", "@good", "--energy-mj", "Infinity"], "--energy-mj", /finite number/],
    [
      "bad lattice override",
      ["validate", "@good", "--lattice", "hexx"],
      "pattern.lattice",
      /did you mean "hex"/,
    ],
    ["fractional seed", ["validate", "@good", "--seed", "1.5"], "--seed", /whole number/],
  ])("%s: exit 2 and one line naming the field", (_, args, field, allowed) => {
    const bad = planFile("bad.json", "{ version: 1");
    const good = planFile("good.json", rawPlan());
    const r = runCli(args.map((a) => (a === "@bad" ? bad : a === "@good" ? good : a)));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(field);
    expect(r.stderr).toMatch(allowed);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
