/**
 * When the pool worker never answers (it died, or is stuck), the jobs that share work with it
 * through shared arrays give up waiting and compute its share on this thread: the result must be
 * the same bits as one thread. The worker here is a ghost: `post` goes nowhere, except that it
 * claims the first two blocks of a block-shared job and never writes them (a worker that died
 * mid-job); the wait times out at once (Atomics.wait reports "timed-out"), so the test does not
 * wait 30 s.
 */
import { afterEach, describe, expect, it, vi } from "vitest";

vi.mock("../../src/parallel/pool.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/parallel/pool.js")>();
  const ghost = (_index: number, job: { kind: string; job: { ctrl: Int32Array | null } }): void => {
    if ((job.kind === "heat" || job.kind === "recent") && job.job.ctrl !== null) {
      Atomics.add(job.job.ctrl, 0, 1);
      Atomics.add(job.job.ctrl, 0, 1);
    }
  };
  return { ...real, post: vi.fn(ghost) };
});

const { post } = await import("../../src/parallel/pool.js");
const { bulkRise } = await import("../../src/heat/bulk-rise.js");
const { heatIndex } = await import("../../src/sequence/heat.js");
const { rowsOfSpots } = await import("../helpers/bulk-rise.js");

/** 30,000 spots in rows on a 20 mm square, one every 1 ms, 2 pulses each: the far field and the recent blocks are shared. */
const rows = () => rowsOfSpots(30_000, 174, 20 / 174, 2, (i) => i);

const same = (a: Float64Array, b: Float64Array): boolean =>
  Buffer.from(a.buffer).equals(Buffer.from(b.buffer));

afterEach(() => vi.restoreAllMocks());

describe("a silent worker: its share is computed here", () => {
  it("bulk rise (far-field terms and recent blocks): the same bits as one thread", () => {
    const { x, y, t, p } = rows();
    const heat = { qJ: 1.3e-3, depthMm: 0.27, s0Mm2: 0.0018, wholePulse: false };
    const opts = { periodMs: 0.5, slotMs: 500 };
    const one = bulkRise(x, y, t, p, heat, { ...opts, threads: 1 });
    const wait = vi.spyOn(Atomics, "wait").mockReturnValue("timed-out");
    const calls = vi.mocked(post).mock.calls.length;
    const two = bulkRise(x, y, t, p, heat, { ...opts, threads: 2 });
    // Both jobs were posted (to nowhere) and waited for.
    expect(
      vi
        .mocked(post)
        .mock.calls.slice(calls)
        .map((c) => c[1].kind),
    ).toEqual(["far", "recent"]);
    expect(wait).toHaveBeenCalled();
    expect(one[t.length - 1]).toBeGreaterThan(0);
    expect(same(two, one)).toBe(true);
  }, 60_000);

  it("heat index (exact-part blocks): the same bits as one thread", () => {
    const { x, y, t, p } = rows();
    const one = heatIndex(x, y, t, p, 0.06, undefined, undefined, { threads: 1 });
    const wait = vi.spyOn(Atomics, "wait").mockReturnValue("timed-out");
    const calls = vi.mocked(post).mock.calls.length;
    const two = heatIndex(x, y, t, p, 0.06, undefined, undefined, { threads: 2 });
    expect(
      vi
        .mocked(post)
        .mock.calls.slice(calls)
        .map((c) => c[1].kind),
    ).toEqual(["heat"]);
    expect(wait).toHaveBeenCalled();
    expect(one[t.length - 1]).toBeGreaterThan(0);
    expect(same(two, one)).toBe(true);
  }, 60_000);
});
