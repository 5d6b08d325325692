import { describe, expect, it } from "vitest";
import { scanTiming } from "../../src/sequence/timing.js";

interface Scanner {
  jumpSpeedMmS: number;
  jumpDelayUs: number;
  pulseUs: number;
  repRateHz: number;
  stampMoveMs: number;
}
interface HandStamp {
  centre: [number, number];
  spots: { x: number; y: number; n: number }[];
}

/** The point-and-shoot timing (docs/model.md), step by step, on plain objects. */
function replay(stamps: HandStamp[], sc: Scanner) {
  let end = 0;
  let lastPulse = Number.NEGATIVE_INFINITY;
  const t: number[] = [];
  stamps.forEach((s, k) => {
    let pos = s.centre;
    if (k > 0) end = end + sc.stampMoveMs;
    for (const p of s.spots) {
      const arrive =
        end + (Math.hypot(p.x - pos[0], p.y - pos[1]) / sc.jumpSpeedMmS) * 1000 + sc.jumpDelayUs / 1000;
      const tp = Math.max(arrive, lastPulse + 1000 / sc.repRateHz);
      t.push(tp);
      lastPulse = tp + ((p.n - 1) * 1000) / sc.repRateHz;
      end = lastPulse + sc.pulseUs / 1000;
      pos = [p.x, p.y];
    }
  });
  return { t, treatmentMs: end };
}

function flatten(stamps: HandStamp[]) {
  const xs: number[] = [];
  const ys: number[] = [];
  const st: number[] = [];
  const ps: number[] = [];
  const centres: number[] = [];
  stamps.forEach((s, k) => {
    centres.push(...s.centre);
    for (const p of s.spots) {
      xs.push(p.x);
      ys.push(p.y);
      st.push(k);
      ps.push(p.n);
    }
  });
  return [
    Float64Array.from(xs),
    Float64Array.from(ys),
    Uint32Array.from(st),
    Uint32Array.from(ps),
    Float64Array.from(centres),
  ] as const;
}

const BASE: Scanner = {
  jumpSpeedMmS: 3000,
  jumpDelayUs: 150,
  pulseUs: 500,
  repRateHz: 1000,
  stampMoveMs: 1000,
};

describe("scanner timing (docs/model.md)", () => {
  it("matches a closed form: two spots 3 mm apart, jump-limited", () => {
    // From the centre (0,0) to (3,0): 1 ms jump + 0.15 ms delay; then 3 mm more: end 1.65 + 1.15.
    const [x, y, s, p, c] = flatten([
      {
        centre: [0, 0],
        spots: [
          { x: 3, y: 0, n: 1 },
          { x: 6, y: 0, n: 1 },
        ],
      },
    ]);
    const r = scanTiming(x, y, s, p, c, 1, BASE);
    expect(r.tMs[0]).toBeCloseTo(1.15, 12);
    expect(r.tMs[1]).toBeCloseTo(1.15 + 0.5 + 1.15, 12);
    expect(r.treatmentMs).toBeCloseTo(2.8 + 0.5, 12);
    expect(r.pathLengthMm).toBeCloseTo(6, 12);
  });

  it("waits for the rep rate when jumps are short, and stacks pulses at the rep rate", () => {
    // 10 µm jumps at 1 kHz: every spot waits for the 1 ms pulse period; a stack of 3 takes 2 periods.
    const [x, y, s, p, c] = flatten([
      {
        centre: [0, 0],
        spots: [
          { x: 0.01, y: 0, n: 3 },
          { x: 0.02, y: 0, n: 1 },
        ],
      },
    ]);
    const r = scanTiming(x, y, s, p, c, 1, BASE);
    const first = 0.01 / 3 + 0.15;
    expect(r.tMs[0]).toBeCloseTo(first, 12);
    expect(r.tMs[1]).toBeCloseTo(first + 3, 12); // last of 3 pulses at +2 ms, next spot one period later
    expect(r.treatmentMs).toBeCloseTo(first + 3 + 0.5, 12);
  });

  const cases: [string, HandStamp[], Scanner][] = [
    [
      "stack 4, slow laser",
      [
        {
          centre: [10, 10],
          spots: [
            { x: 9, y: 9, n: 4 },
            { x: 11, y: 9.5, n: 4 },
            { x: 10.2, y: 12, n: 4 },
          ],
        },
      ],
      { ...BASE, repRateHz: 200, pulseUs: 1000 },
    ],
    [
      "three stamps with moves, mixed stacks",
      [
        {
          centre: [10, 10],
          spots: [
            { x: 1, y: 1, n: 1 },
            { x: 19, y: 19, n: 2 },
          ],
        },
        { centre: [30, 10], spots: [{ x: 30.001, y: 10, n: 5 }] },
        {
          centre: [30, 30],
          spots: [
            { x: 25, y: 35, n: 1 },
            { x: 25.0005, y: 35, n: 1 },
            { x: 39, y: 21, n: 3 },
          ],
        },
      ],
      { ...BASE, stampMoveMs: 250, jumpSpeedMmS: 800 },
    ],
    [
      "fast scanner, rep-rate limited throughout",
      [
        {
          centre: [0, 0],
          spots: Array.from({ length: 20 }, (_, i) => ({
            x: (i % 5) * 0.2,
            y: Math.floor(i / 5) * 0.2,
            n: 1 + (i % 3),
          })),
        },
      ],
      { ...BASE, jumpSpeedMmS: 1e5, jumpDelayUs: 10, repRateHz: 500, pulseUs: 2000 },
    ],
  ];
  it.each(cases)("agrees with an independent replay: %s", (_name, stamps, sc) => {
    const [x, y, s, p, c] = flatten(stamps);
    const r = scanTiming(x, y, s, p, c, stamps.length, sc);
    const ref = replay(stamps, sc);
    expect(r.tMs.length).toBe(ref.t.length);
    for (let i = 0; i < ref.t.length; i++) expect(r.tMs[i]).toBeCloseTo(ref.t[i], 9);
    expect(r.treatmentMs).toBeCloseTo(ref.treatmentMs, 9);
    // Times strictly increase by at least one pulse period.
    for (let i = 1; i < ref.t.length; i++)
      expect(r.tMs[i] - r.tMs[i - 1]).toBeGreaterThanOrEqual(1000 / sc.repRateHz - 1e-9);
    // Per-stamp durations plus moves add up to the treatment time.
    const total = r.stampMs.reduce((a, b) => a + b, 0) + (stamps.length - 1) * sc.stampMoveMs;
    expect(total).toBeCloseTo(r.treatmentMs, 9);
  });
});
