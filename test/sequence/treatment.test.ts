import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createArea } from "../../src/area/index.js";
import { galvoListChunks } from "../../src/io/galvo.js";
import { scanFileJson, scanStats } from "../../src/io/scanfile.js";
import { generatePattern } from "../../src/pattern/index.js";
import { resolvePlan } from "../../src/plan/load.js";
import { buildScan, KAPPA_MM2_PER_S } from "../../src/sequence/index.js";
import { aimPathLengthMm, buildTreatment, outlineInField } from "../../src/sequence/treatment.js";
import { rawPlan } from "../helpers/plans.js";

const plan = (patch: Record<string, unknown>) => resolvePlan(rawPlan(patch), ".");

/** Replay a galvo list the way a controller would: jump, aim, wait and fire lines. */
function replay(text: string, bitsPerMm?: number) {
  const header: Record<string, number[]> = {};
  const fires: { t: number; x: number; y: number }[] = [];
  const passLines: number[] = [];
  let end = 0;
  let lastPulse = Number.NEGATIVE_INFINITY;
  let centre = [0, 0];
  let beam = [0, 0];
  let aimPoints = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) {
      const m = /^# ([a-z-]+): (.*)$/.exec(line);
      if (m) header[m[1]] = m[2].split(" ").map(Number);
      continue;
    }
    const [cmd, ...args] = line.split(" ");
    let a = args.map(Number);
    if (bitsPerMm !== undefined && (cmd === "jump" || cmd === "aim"))
      a = a.map((u) => (u - 0x8000) / bitsPerMm);
    const periodMs = 1000 / header["rep-rate-hz"][0];
    if (cmd === "pass") passLines.push(a[0]);
    else if (cmd === "stamp") {
      centre = [a[1], a[2]];
      beam = [0, 0];
    } else if (cmd === "aim") {
      aimPoints++;
      end += (Math.hypot(a[0] - beam[0], a[1] - beam[1]) / header["aim-speed-mm-s"][0]) * 1000;
      beam = [a[0], a[1]];
    } else if (cmd === "jump") {
      end += (Math.hypot(a[0] - beam[0], a[1] - beam[1]) / header["jump-speed-mm-s"][0]) * 1000;
      end += header["jump-delay-us"][0] / 1000;
      beam = [a[0], a[1]];
    } else if (cmd === "wait") end += a[0] / 1000;
    else if (cmd === "fire") {
      const t = Math.max(end, lastPulse + periodMs);
      fires.push({ t, x: centre[0] + beam[0], y: centre[1] + beam[1] });
      lastPulse = t + (a[0] - 1) * periodMs;
      end = lastPulse + a[1] / 1000;
    }
  }
  return { header, fires, end, passLines, aimPoints };
}

const SCANNER = { jumpSpeedMmS: 1000, jumpDelayUs: 200, pulseUs: 300, repRateHz: 1000, stampMoveMs: 50 };

describe("multi-pass treatments (docs/passes.md)", () => {
  it("a plan without passes or aim builds exactly buildScan's scan", () => {
    const p = plan({});
    const area = createArea(p.area);
    const t = buildTreatment(p, area);
    const s = buildScan(p, area, generatePattern(p, area));
    expect(Array.from(t.scan.tMs)).toEqual(Array.from(s.tMs));
    expect(t.scan.pass).toBeUndefined();
  });

  it("n passes give n × the spots; treatment time = sum of passes + gaps (one stamp)", () => {
    const gap = 37.5;
    const single = plan({ scanner: { ...SCANNER } });
    const area = createArea(single.area);
    const one = buildTreatment(single, area).scan;
    for (const n of [2, 3]) {
      const p = plan({ scanner: { ...SCANNER, passGapMs: gap }, pattern: { passes: n } });
      const t = buildTreatment(p, area).scan;
      expect(t.xMm.length).toBe(n * one.xMm.length);
      expect(t.passes).toHaveLength(n);
      const sum = (t.passes ?? []).reduce((a, q) => a + q.treatmentMs, 0);
      expect(t.treatmentMs).toBeCloseTo(sum + (n - 1) * gap, 9);
      // Pass k starts when pass k−1 ended plus the gap; the first spot of each pass follows.
      for (let k = 1; k < n; k++) {
        const prev = t.passes?.[k - 1];
        const cur = t.passes?.[k];
        expect(cur?.startMs).toBeCloseTo((prev?.startMs ?? 0) + (prev?.treatmentMs ?? 0) + gap, 9);
      }
      // The first pass, alone, is timed like a one-pass plan of the same spots.
      expect(t.passes?.[0].treatmentMs).toBeCloseTo(one.treatmentMs, 9);
      // Passes fire in order and the pass column is non-decreasing.
      for (let i = 1; i < t.tMs.length; i++) {
        expect(t.tMs[i]).toBeGreaterThan(t.tMs[i - 1]);
        expect(t.pass?.[i]).toBeGreaterThanOrEqual(t.pass?.[i - 1] ?? 0);
      }
    }
  });

  it("the rep rate holds across passes with no gap", () => {
    const p = plan({
      scanner: { ...SCANNER, pulseUs: 100, repRateHz: 100 },
      area: { shape: "rect", widthMm: 2, heightMm: 2 },
      pattern: { passes: 2 },
    });
    const t = buildTreatment(p, createArea(p.area)).scan;
    for (let i = 1; i < t.tMs.length; i++) expect(t.tMs[i] - t.tMs[i - 1]).toBeGreaterThanOrEqual(10 - 1e-9);
  });

  it("between passes over several stamps the head waits the gap plus the stamp move", () => {
    const p = plan({
      scanner: { ...SCANNER, fieldMm: [6, 6], passGapMs: 10 },
      pattern: { passes: 2 },
    });
    const t = buildTreatment(p, createArea(p.area)).scan;
    const [a, b] = t.passes ?? [];
    expect(t.stamps.length).toBe(2 * (a.stampCount ?? 0));
    expect(b.startMs).toBeCloseTo(a.startMs + a.treatmentMs + 10 + SCANNER.stampMoveMs, 9);
    expect(t.treatmentMs).toBeCloseTo(a.treatmentMs + b.treatmentMs + 10 + SCANNER.stampMoveMs, 9);
  });

  it("galvo replay reproduces tMs of a multi-pass scan with aiming, in mm and in bits", () => {
    const p = plan({
      scanner: { ...SCANNER, fieldMm: [6, 6], passGapMs: 25, aim: { loops: 2, speedMmS: 500 } },
      area: { shape: "circle", diameterMm: 9 },
      pattern: { passes: 3 },
    });
    const t = buildTreatment(p, createArea(p.area)).scan;
    for (const bits of [undefined, 1000]) {
      const r = replay(galvoListChunks(p, t, bits).join(""), bits);
      expect(r.passLines).toEqual([0, 1, 2]);
      expect(r.fires.length).toBe(t.tMs.length);
      expect(r.aimPoints).toBeGreaterThan(0);
      let worst = 0;
      for (let i = 0; i < r.fires.length; i++) worst = Math.max(worst, Math.abs(r.fires[i].t - t.tMs[i]));
      // Printed positions are rounded (jumps 1e-4 mm, aim points 1e-6 mm): spots fired back to
      // back carry that rounding along, well under 1 µs. In 16-bit units each aim point may be
      // off by √2/2 unit, so the aim trace may run longer by up to (points × √2 units)/aim speed.
      const bound =
        bits === undefined ? 1e-3 : (r.aimPoints * Math.SQRT2 * (1000 / bits) * 1000) / 500 / 1000;
      expect(worst).toBeLessThan(bound);
      expect(Math.abs(r.end - t.treatmentMs)).toBeLessThan(bound);
    }
  });

  it("aim path points lie on the outline and its time is path length / speed", () => {
    const d = 8;
    const speed = 400;
    const loops = 3;
    const p = plan({
      scanner: { ...SCANNER, fieldMm: [20, 20], aim: { loops, speedMmS: speed } },
      area: { shape: "circle", diameterMm: d, originMm: [2, 3] },
    });
    const area = createArea(p.area);
    const t = buildTreatment(p, area).scan;
    expect(t.aimPath).toHaveLength(1);
    const path = t.aimPath?.[0] ?? new Float64Array();
    const cx = 2 + d / 2;
    const cy = 3 + d / 2;
    // Every point on the circle's outline polygon: its vertices lie on the circle of radius d/2.
    for (let i = 0; i < path.length; i += 2)
      expect(Math.hypot(path[i] - cx, path[i + 1] - cy)).toBeCloseTo(d / 2, 9);
    const centre = t.stamps[0].centreMm;
    const len = aimPathLengthMm(centre[0], centre[1], path);
    // The ring's perimeter (a regular polygon inscribed in the circle) once per loop, plus the approach.
    const ring = area.outline()[0];
    const m = ring.length / 2;
    const perimeter = m * 2 * (d / 2) * Math.sin(Math.PI / m);
    const approach = Math.hypot(path[0] - centre[0], path[1] - centre[1]);
    expect(len).toBeCloseTo(approach + loops * perimeter, 6);
    expect(t.aimMs).toBeCloseTo((len / speed) * 1000, 9);
    // The first pulse waits for the aiming: its time is the aim time + jump from the path's end + delay.
    const ex = path[path.length - 2];
    const ey = path[path.length - 1];
    const jump = Math.hypot(t.xMm[0] - ex, t.yMm[0] - ey);
    expect(t.tMs[0]).toBeCloseTo(
      (t.aimMs ?? 0) + (jump / SCANNER.jumpSpeedMmS) * 1000 + SCANNER.jumpDelayUs / 1000,
      9,
    );
  });

  it("clipped outline pieces stay inside the field and on the outline (fast-check)", () => {
    const square = [Float64Array.of(0, 0, 10, 0, 10, 10, 0, 10)];
    fc.assert(
      fc.property(
        fc.double({ min: -5, max: 12, noNaN: true }),
        fc.double({ min: -5, max: 12, noNaN: true }),
        fc.double({ min: 0.5, max: 8, noNaN: true }),
        (x0, y0, f) => {
          const pieces = outlineInField(square, true, x0, y0, x0 + f, y0 + f);
          for (const p of pieces)
            for (let i = 0; i < p.length; i += 2) {
              const x = p[i];
              const y = p[i + 1];
              expect(x).toBeGreaterThanOrEqual(x0 - 1e-9);
              expect(x).toBeLessThanOrEqual(x0 + f + 1e-9);
              expect(y).toBeGreaterThanOrEqual(y0 - 1e-9);
              expect(y).toBeLessThanOrEqual(y0 + f + 1e-9);
              const onEdge =
                Math.min(Math.abs(x), Math.abs(x - 10), Math.abs(y), Math.abs(y - 10)) < 1e-9 &&
                x >= -1e-9 &&
                x <= 10 + 1e-9 &&
                y >= -1e-9 &&
                y <= 10 + 1e-9;
              expect(onEdge).toBe(true);
            }
        },
      ),
    );
  });

  it("the heat index runs across passes: one spot fired twice heats as w²/(w² + 4κΔt)", () => {
    const p = plan({
      scanner: { ...SCANNER, passGapMs: 400 },
      area: { shape: "rect", widthMm: 1, heightMm: 1 },
      pattern: { lattice: "square", coverage: undefined, pitchUm: 1000 },
      passes: [{}, {}],
    });
    const t = buildTreatment(p, createArea(p.area)).scan;
    expect(t.xMm.length).toBe(2);
    expect(t.xMm[1]).toBe(t.xMm[0]);
    const w2 = (p.spot.diameterUm / 2000) ** 2;
    const dtS = (t.tMs[1] - t.tMs[0]) / 1000;
    expect(dtS).toBeGreaterThan(0.4);
    expect(t.heatPerSpot[0]).toBe(0);
    expect(t.heatPerSpot[1]).toBeCloseTo(w2 / (w2 + 4 * KAPPA_MM2_PER_S * dtS), 6);
  });

  it("each pass fires exactly its own pattern; time adds up (fast-check)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.double({ min: 0, max: 100, noNaN: true }), (n, gap) => {
        const p = plan({
          scanner: { ...SCANNER, passGapMs: gap },
          area: { shape: "rect", widthMm: 3, heightMm: 3 },
          pattern: { passes: n },
        });
        const area = createArea(p.area);
        const { scan, passPlans } = buildTreatment(p, area);
        let at = 0;
        let sum = 0;
        for (let k = 0; k < passPlans.length; k++) {
          const own = generatePattern(passPlans[k], area);
          const key = (x: number, y: number) => `${x.toFixed(9)},${y.toFixed(9)}`;
          const want = new Set(Array.from(own.x, (x, i) => key(x, own.y[i])));
          const m = scan.passes?.[k].spots ?? scan.xMm.length;
          expect(m).toBe(own.count);
          for (let i = at; i < at + m; i++) {
            expect(want.has(key(scan.xMm[i], scan.yMm[i]))).toBe(true);
            if (n > 1) expect(scan.pass?.[i]).toBe(k);
          }
          at += m;
          sum += scan.passes?.[k].treatmentMs ?? scan.treatmentMs;
        }
        expect(at).toBe(scan.xMm.length);
        expect(scan.treatmentMs).toBeCloseTo(sum + (n - 1) * gap, 6);
      }),
      { numRuns: 25 },
    );
  });

  it("scan file and stats carry pass and passes only for multi-pass plans", () => {
    const p1 = plan({});
    const area = createArea(p1.area);
    const s1 = buildTreatment(p1, area).scan;
    const j1 = scanFileJson(p1, area, s1, scanStats(p1, area, s1));
    expect(j1).not.toMatch(/"pass"|"passes"|aimMs/);
    const p2 = plan({ pattern: { passes: 2 } });
    const s2 = buildTreatment(p2, area).scan;
    const doc = JSON.parse(scanFileJson(p2, area, s2, scanStats(p2, area, s2)));
    expect(doc.spots.pass).toHaveLength(s2.xMm.length);
    expect(doc.stats.passes).toHaveLength(2);
    expect(doc.stats.passes[0].spots + doc.stats.passes[1].spots).toBe(doc.stats.spots);
  });
});
