import { describe, expect, it } from "vitest";
import { createArea } from "../../src/area/index.js";
import { PlanError } from "../../src/errors.js";
import { galvoListChunks } from "../../src/io/galvo.js";
import { generatePattern } from "../../src/pattern/index.js";
import { resolvePlan } from "../../src/plan/load.js";
import { buildScan } from "../../src/sequence/index.js";
import { rawPlan } from "../helpers/plans.js";

function make() {
  const plan = resolvePlan(
    rawPlan({
      area: { shape: "rect", widthMm: 30, heightMm: 12 },
      pulse: { energyMj: 10, stack: 2 },
      scanner: { fieldMm: [12, 12], stampMoveMs: 300 },
      sequence: { order: "serpentine", seed: 1 },
    }),
    ".",
  );
  const area = createArea(plan.area);
  return { plan, scan: buildScan(plan, area, generatePattern(plan, area)) };
}

/** Replay a galvo list with the header's settings: the first-pulse time of every `fire`. */
function replay(text: string) {
  const header: Record<string, number[]> = {};
  const fires: { t: number; x: number; y: number }[] = [];
  let t = 0;
  let end = 0;
  let lastPulse = Number.NEGATIVE_INFINITY;
  let centre = [0, 0];
  let beam = [0, 0];
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) {
      const m = /^# ([a-z-]+): (.*)$/.exec(line);
      if (m) header[m[1]] = m[2].split(" ").map(Number);
      continue;
    }
    const [cmd, ...args] = line.split(" ");
    const a = args.map(Number);
    const periodMs = 1000 / header["rep-rate-hz"][0];
    if (cmd === "stamp") {
      centre = [a[1], a[2]];
      beam = [0, 0];
    } else if (cmd === "jump") {
      end += (Math.hypot(a[0] - beam[0], a[1] - beam[1]) / header["jump-speed-mm-s"][0]) * 1000;
      end += header["jump-delay-us"][0] / 1000;
      beam = [a[0], a[1]];
    } else if (cmd === "wait") end += a[0] / 1000;
    else if (cmd === "fire") {
      t = Math.max(end, lastPulse + periodMs);
      fires.push({ t, x: centre[0] + beam[0], y: centre[1] + beam[1] });
      lastPulse = t + (a[0] - 1) * periodMs;
      end = lastPulse + a[1] / 1000;
    }
  }
  return { header, fires, end };
}

describe("galvo list", () => {
  it("replays to the scan's positions and first-pulse times", () => {
    const { plan, scan } = make();
    const text = galvoListChunks(plan, scan).join("");
    const r = replay(text);
    expect(r.header["field-mm"]).toEqual([12, 12]);
    expect(r.header.spots).toEqual([scan.xMm.length]);
    expect(scan.stamps.length).toBe(3);
    expect(r.fires.length).toBe(scan.xMm.length);
    for (let i = 0; i < r.fires.length; i++) {
      expect(Math.abs(r.fires[i].x - scan.xMm[i])).toBeLessThanOrEqual(5e-5);
      expect(Math.abs(r.fires[i].t - scan.tMs[i])).toBeLessThanOrEqual(1e-5);
    }
    expect(Math.abs(r.end - scan.treatmentMs)).toBeLessThanOrEqual(1e-5);
    expect(text).toContain("fire 2 500");
  });

  it("writes 16-bit scanner units centred at 0x8000 with --bits-per-mm", () => {
    const { plan, scan } = make();
    const text = galvoListChunks(plan, scan, 2000).join("");
    const first = text.split("\n").find((l) => l.startsWith("jump")) as string;
    const [, bx, by] = first.split(" ").map(Number);
    const c = scan.stamps[0].centreMm;
    expect(bx).toBe(0x8000 + Math.round((scan.xMm[0] - c[0]) * 2000));
    expect(by).toBe(0x8000 + Math.round((scan.yMm[0] - c[1]) * 2000));
    for (const l of text.split("\n"))
      if (l.startsWith("jump"))
        for (const v of l.split(" ").slice(1).map(Number)) expect(v >= 0 && v <= 65535).toBe(true);
    // 6 mm half-field × 6000 units/mm does not fit 16 bits.
    expect(() => galvoListChunks(plan, scan, 6000)).toThrow(PlanError);
  });
});
