/**
 * Interrupted runs: SIGTERM at any moment of a long simulate leaves the
 * previous output intact or a complete new one, and no temp file behind.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI } from "../helpers/cli.js";
import { rawPlan } from "../helpers/plans.js";

const dir = mkdtempSync(join(tmpdir(), "laserscan-int-"));
const plan = join(dir, "plan.json");
writeFileSync(plan, JSON.stringify(rawPlan({ area: { shape: "rect", widthMm: 40, heightMm: 40 } })));

/** Run simulate writing a 16 M-pixel depth map and its heatmap, SIGTERM it after `afterMs`. */
function interrupted(afterMs: number, out: string): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [CLI, "simulate", plan, "--depth", out, "--coag", `${out}.coag.npy`, "--heatmap", `${out}.png`],
      {
        stdio: "ignore",
      },
    );
    setTimeout(() => child.kill("SIGTERM"), afterMs);
    child.on("exit", (code, signal) => resolve({ code, signal }));
  });
}

/** A .npy file is complete when its size is the header plus height × width float32s. */
function completeNpy(bytes: Buffer): boolean {
  const hlen = bytes.readUInt16LE(8);
  const m = /'shape': \((\d+), (\d+)\)/.exec(bytes.toString("latin1", 10, 10 + hlen));
  return m !== null && bytes.length === 10 + hlen + 4 * Number(m[1]) * Number(m[2]);
}

describe("interrupted runs", () => {
  it.each([150, 400, 800, 1500])(
    "SIGTERM after %i ms: old file intact or a complete new one, no temp file",
    async (ms) => {
      const out = join(dir, `depth-${ms}.npy`);
      writeFileSync(out, "previous");
      const r = await interrupted(ms, out);
      // The early signals land before the run could finish: it really was interrupted.
      if (ms <= 400) expect(r.code === 143 || r.signal === "SIGTERM").toBe(true);
      const now = readFileSync(out);
      expect(now.toString() === "previous" || completeNpy(now)).toBe(true);
      expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    },
  );
});
