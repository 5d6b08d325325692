/**
 * The heat index sum (SPEC §3.4) split by age: recent spots exactly (this file), older ones as
 * diffusing fields on a ladder of grids (assembly/heat-grid.ts, run by heat-grid.ts).
 *
 * Time is cut into slots of `slotMs` (P). For spot i in slot s (t_i − t_0 ∈ [sP, (s+1)P)):
 * - spots fired in slots ≥ s − 2 are summed exactly (cells of a spatial grid, each list in
 *   firing order, terms below the cut-off skipped);
 * - older spots live on grid levels ℓ = 0, 1, ...: level ℓ has slots P_ℓ = 4^ℓ·P and node
 *   spacing h_ℓ = 2^ℓ·h with 2h_ℓ² = 4κP_ℓ. A level holds, as sampled fields at its reference
 *   time (s_ℓ − 1)·P_ℓ, "groups" of 4 of its slots' spots; every slot each group is blurred by
 *   the exact heat kernel of one slot (a 7-tap Gaussian of variance 1 node²), a new slot enters (level
 *   0: each spot's Gaussian sampled on the nodes; coarser levels: a group of the level below,
 *   sub-sampled: the nodes coincide), and the oldest group leaves for the next level (the top
 *   level keeps it in an archive). A spot's sum over a level is then the heat-kernel
 *   convolution of the level's field from its reference time to t_i (a Gaussian of
 *   S_b = 4κ(t_i − ref) ∈ [2h², 4h²) summed over nodes), exact in time.
 * Fields are sampled only when their Gaussians are at least 2h² wide, so the lattice sums are
 * within e^{−π²} ≈ 5·10⁻⁵ of the integrals; windows are cut where the Gaussians fall below
 * e^{−7} (deposits e^{−9}). {@link runHeatJob} is self-contained (no imports, no module
 * constants) because heat.ts also runs it in a worker thread from its source text.
 */

/** Inputs and output of one heat index run (arrays in firing order, times non-decreasing). */
export interface HeatJob {
  x: Float64Array;
  y: Float64Array;
  /** First-pulse times, ms. */
  t: Float64Array;
  /** Pulses per spot. */
  p: Float64Array;
  /** Spot 1/e² radius squared, mm². */
  w2: number;
  /** 4κ in mm² per ms. */
  fourK: number;
  /** Terms of the exact part below this are skipped. */
  cutoff: number;
  /** Slot length P, ms; 0 sums every term exactly (no grids: heat-grid.ts `gridLevels` is 0). */
  slotMs: number;
  /** Heat index per spot (role 0), or the exact part of it (roles 1, 2). */
  out: Float64Array;
  /** Spots per work block. */
  blockSize: number;
  /**
   * 0: one thread, `out` = `grid` + the exact part. 1 (main) and 2 (worker) of two: exact-part
   * blocks into `out`, claimed through `ctrl` (heat.ts adds the grid part).
   */
  role: 0 | 1 | 2;
  /** Grid part per spot, added to the exact part (role 0), or null (none). */
  grid: Float64Array | null;
  /** Shared claims (roles 1, 2): [0] next exact-part block, [1 + b] = the role that wrote block b (0 until then). */
  ctrl: Int32Array | null;
}

/** Compute the heat index of the blocks this thread claims (see the module comment). */
export function runHeatJob(job: HeatJob): void {
  const x = job.x;
  const y = job.y;
  const t = job.t;
  const p = job.p;
  const out = job.out;
  const w2 = job.w2;
  const fourK = job.fourK;
  const n = x.length;
  const blockSize = job.blockSize;
  const nBlocks = Math.ceil(n / blockSize);
  if (n === 0) return;
  // A thread that comes after every exact-part block was taken (it was busy) has nothing to do.
  if (job.role !== 0 && job.ctrl !== null && Atomics.load(job.ctrl, 0) >= nBlocks) return;

  // Set-up loops over every spot live in small functions run once each: a long loop in this big
  // function would have V8 compile all of it on-stack, then throw that away at the first line
  // not yet run (7 compiles of this function per run, measured); results go to typed arrays,
  // not to captured variables (a double written from a closure is a heap allocation).
  const box = new Float64Array(5); // pMax, minX, minY, maxX, maxY
  const spotBox = (): void => {
    let pm = 0;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      if (p[i] > pm) pm = p[i];
      if (x[i] < x0) x0 = x[i];
      if (x[i] > x1) x1 = x[i];
      if (y[i] < y0) y0 = y[i];
      if (y[i] > y1) y1 = y[i];
    }
    box[0] = pm;
    box[1] = x0;
    box[2] = y0;
    box[3] = x1;
    box[4] = y1;
  };
  spotBox();
  const pMax = box[0];
  const minX = box[1];
  const minY = box[2];
  const maxX = box[3];
  const maxY = box[4];
  const t0 = t[0];
  const spanMs = t[n - 1] - t0;
  // A term p(w²/S)e^{−d²/S} reaches the cut-off only if S < A and d² < S·ln(A/S) ≤ S·ln(A/w²).
  const aCut = (Math.max(pMax, 1) * w2) / job.cutoff;
  const lnA = Math.log(Math.max(aCut / w2, 1));
  const lead2 = (s: number): number => (s * Math.E <= aCut ? s * Math.log(aCut / s) : aCut / Math.E);

  // ---- slots: with grids (slotMs > 0) the exact part sums the last three slots only ----
  const slotMs = job.slotMs;
  const grids = slotMs > 0;
  const slotOf = new Float64Array(n);
  const fillSlots = (): void => {
    for (let i = 0; i < n; i++) slotOf[i] = Math.floor((t[i] - t0) / slotMs);
  };
  if (grids) fillSlots();

  // ---- exact part: cells with lists in firing order ----
  const maxAgeMs = grids ? 3 * slotMs : spanMs;
  const rDirect = Math.sqrt(Math.max(lead2(w2 + fourK * maxAgeMs), 0));
  const wBox = Math.max(maxX - minX, 1e-9);
  const hBox = Math.max(maxY - minY, 1e-9);
  let cellMm = Math.max(rDirect / 2, Math.sqrt((wBox * hBox) / 4194304), Math.max(wBox, hBox) / 4096, 1e-6);
  cellMm = Math.max(cellMm, Math.sqrt((wBox * hBox * 2) / n) / 4);
  const gw = Math.floor(wBox / cellMm) + 1;
  const gh = Math.floor(hBox / cellMm) + 1;
  const cells = gw * gh;
  const start = new Uint32Array(cells + 1);
  const items = new Uint32Array(n);
  const cxs = new Float64Array(n);
  const cys = new Float64Array(n);
  const cts = new Float64Array(n);
  const cps = new Float64Array(n);
  const css = new Float64Array(n);
  const bucket = (): void => {
    const cellOf = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const cx = Math.min(gw - 1, Math.floor((x[i] - minX) / cellMm));
      const cy = Math.min(gh - 1, Math.floor((y[i] - minY) / cellMm));
      cellOf[i] = cy * gw + cx;
      start[cellOf[i] + 1]++;
    }
    for (let c = 0; c < cells; c++) start[c + 1] += start[c];
    const fill = start.slice(0, cells);
    for (let i = 0; i < n; i++) {
      const q = fill[cellOf[i]]++;
      items[q] = i;
      cxs[q] = x[i];
      cys[q] = y[i];
      cts[q] = t[i];
      cps[q] = p[i];
      css[q] = slotOf[i];
    }
  };
  bucket();

  // ---- blocks of spots ----
  const lnCut = lnA;
  const invLnK = fourK > 0 ? 1 / (lnCut * fourK) : 0;
  // e^{−x} for x ∈ [0, lnCut] from a table: e^{−x} ≥ e^{−x_k}·(1 − δ) (the tangent of a convex
  // function lies below it), δ = x − x_k < 1/EXP_STEPS, so each term is under-estimated by at most
  // δ²/2 ≈ 5·10⁻⁷ of itself and the sum never exceeds the exact one.
  // Without grids (small scans) every term uses Math.exp.
  const exactExp = !grids;
  const EXP_STEPS = 1024;
  const expTab = new Float64Array(Math.ceil(lnCut * EXP_STEPS) + 2);
  const fillExp = (): void => {
    for (let k = 0; k < expTab.length; k++) expTab[k] = Math.exp(-k / EXP_STEPS);
  };
  fillExp();
  const first = new Uint32Array(start.subarray(0, cells)); // per cell: first entry not yet too old
  /** Exact part of spots [i0, i1) (increasing across calls): spots j < i in slots ≥ s_i − 2 within reach. */
  const directBlock = (i0: number, i1: number, dst: Float64Array, add: Float64Array | null): void => {
    for (let i = i0; i < i1; i++) {
      const xi = x[i];
      const yi = y[i];
      const ti = t[i];
      const sLow = grids ? slotOf[i] - 2 : -1;
      const tLow = grids ? t0 + sLow * slotMs : t0;
      const reach = Math.sqrt(Math.max(0, lead2(w2 + fourK * (ti - tLow))));
      const cx0 = Math.max(0, Math.floor((xi - reach - minX) / cellMm));
      const cx1 = Math.min(gw - 1, Math.floor((xi + reach - minX) / cellMm));
      const cy0 = Math.max(0, Math.floor((yi - reach - minY) / cellMm));
      const cy1 = Math.min(gh - 1, Math.floor((yi + reach - minY) / cellMm));
      let direct = 0;
      const reach2 = reach * reach * (1 + 1e-9);
      const tMaxBase = fourK > 0 ? ti + w2 / fourK : 0;
      const cellDx = xi - minX;
      const cellDy = yi - minY;
      for (let cy = cy0; cy <= cy1; cy++) {
        // Nearest distance from spot i to the cells of this row (0 inside), by axis.
        const ey0 = cy * cellMm - cellDy;
        const ey1 = cellDy - (cy + 1) * cellMm;
        const gy = Math.max(ey0, ey1, 0); // at most one is positive
        for (let cx = cx0; cx <= cx1; cx++) {
          // Entries are in firing order: a pair passes the test below only if s ≥ d²/lnCut, so
          // nothing fired after tMax (too young to reach this cell) can pass; stop there. Corner
          // cells beyond the reach are skipped whole.
          const ex0 = cx * cellMm - cellDx;
          const ex1 = cellDx - (cx + 1) * cellMm;
          const gx = Math.max(ex0, ex1, 0);
          const dMin2 = (gx * gx + gy * gy) * (1 - 1e-9);
          if (dMin2 > reach2) continue;
          const tMax = fourK > 0 ? tMaxBase - dMin2 * invLnK : dMin2 < w2 * lnCut ? Infinity : -Infinity;
          const c = cy * gw + cx;
          let q = first[c];
          const end = start[c + 1];
          // Skip entries gone to the grids. A do-while runs its increment on every visit, so V8 has
          // seen it before optimizing (a plain while only starts skipping later: 3 deoptimizations).
          q--;
          do q++;
          while (q < end && css[q] < sLow);
          first[c] = q;
          for (; q < end && items[q] < i && cts[q] <= tMax; q++) {
            const ex = cxs[q] - xi;
            const ey = cys[q] - yi;
            const d2 = ex * ex + ey * ey;
            const s = w2 + fourK * (ti - cts[q]);
            if (d2 > s * lnCut) continue;
            const inv = 1 / s;
            if (exactExp) {
              direct += cps[q] * (w2 * inv) * Math.exp(-d2 * inv);
              continue;
            }
            const e = d2 * inv * EXP_STEPS;
            const k = e | 0;
            direct += cps[q] * w2 * inv * expTab[k] * (1 - (e - k) / EXP_STEPS);
          }
        }
      }
      dst[i] = add ? add[i] + direct : direct;
    }
  };

  const ctrl = job.ctrl;
  const role = job.role;
  if (role === 0) {
    // One thread: every spot's exact part, added to its grid part.
    directBlock(0, n, out, job.grid);
    return;
  }
  // Two threads (main and pool worker) claim exact-part blocks; heat.ts adds the grid part.
  if (!ctrl) return;
  for (;;) {
    const blk = Atomics.add(ctrl, 0, 1);
    if (blk >= nBlocks) return;
    const i0 = blk * blockSize;
    directBlock(i0, Math.min(n, i0 + blockSize), out, null);
    Atomics.store(ctrl, 1 + blk, role);
    Atomics.notify(ctrl, 1 + blk);
  }
}
