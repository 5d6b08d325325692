/**
 * The heat index sum (SPEC §3.4) split by age: recent spots exactly, older ones as diffusing
 * fields on a ladder of grids.
 *
 * Time is cut into slots of `slotMs` (P). For spot i in slot s (t_i − t_0 ∈ [sP, (s+1)P)):
 * - spots fired in slots ≥ s − 2 are summed exactly (cells of a spatial grid, each list in
 *   firing order, terms below the cut-off skipped);
 * - older spots live on grid levels ℓ = 0, 1, ...: level ℓ has slots P_ℓ = 4^ℓ·P and node
 *   spacing h_ℓ = 2^ℓ·h with 2h_ℓ² = 4κP_ℓ. A level holds, as sampled fields at its reference
 *   time (s_ℓ − 1)·P_ℓ, "groups" of 4 of its slots' spots; every slot each group is blurred by
 *   the exact heat kernel of one slot (a 9-tap Gaussian, σ = 1 node), a new slot enters (level
 *   0: each spot's Gaussian sampled on the nodes; coarser levels: a group of the level below,
 *   sub-sampled: the nodes coincide), and the oldest group leaves for the next level (the top
 *   level keeps it in an archive). A spot's sum over a level is then the heat-kernel
 *   convolution of the level's field from its reference time to t_i (a Gaussian of
 *   S_b = 4κ(t_i − ref) ∈ [2h², 4h²) summed over nodes), exact in time.
 * Fields are sampled only when their Gaussians are at least 2h² wide, so the lattice sums are
 * within e^{−π²} ≈ 5·10⁻⁵ of the integrals; windows are cut where the Gaussians fall below
 * e^{−7} (deposits e^{−9}). The whole function is self-contained (no imports, no module
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
  /** Slot length P, ms; 0 sums every term exactly (no grids). */
  slotMs: number;
  /** Heat index per spot (role 0), or the exact part of it (roles 1, 2). */
  out: Float64Array;
  /** Spots per work block. */
  blockSize: number;
  /**
   * 0: one thread, `out` = the whole sum. 1: main of two, `grid` = the grid part of every spot,
   * plus exact-part blocks into `out`. 2: worker, exact-part blocks into `out`.
   */
  role: 0 | 1 | 2;
  /** Grid part per spot (role 1). */
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
  // A worker that comes after every exact-part block was taken (it was busy) has nothing to do.
  if (job.role === 2 && job.ctrl !== null && Atomics.load(job.ctrl, 0) >= nBlocks) return;
  // Only the grid-running roles need the fields (the worker's role 2 sums the exact part only).
  const grids = job.role !== 2;

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

  // ---- slots and levels ----
  let slotMs = job.slotMs;
  let levels = 0;
  if (slotMs > 0 && fourK > 0 && spanMs > 3 * slotMs) {
    levels = 1;
    while (spanMs > 16 * slotMs * 4 ** (levels - 1)) levels++;
  } else slotMs = 0;
  const slotOf = new Float64Array(n);
  const fillSlots = (): void => {
    for (let i = 0; i < n; i++) slotOf[i] = Math.floor((t[i] - t0) / slotMs);
  };
  if (levels > 0) fillSlots();

  // ---- exact part: cells with lists in firing order ----
  const maxAgeMs = levels > 0 ? 3 * slotMs : spanMs;
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

  // ---- grid levels ----
  const MARGIN = 12; // nodes beyond the spots' box on each side
  const TAPS = 3; // blur half-width, nodes
  const TRIM = 1e-9; // edge rows/columns of a field below this are dropped
  // Blur taps e^{−k²/2σ²}, |k| ≤ 3, normalised, σ chosen so the variance is exactly 1 node²
  // (one slot: 4κP = 2h², a Gaussian e^{−x²/2h²}).
  const taps = new Float64Array(4);
  for (let lo = 0.8, hi = 1.5, it = 0; it < 60; it++) {
    const sg = 0.5 * (lo + hi);
    const tot =
      1 + 2 * (Math.exp(-1 / (2 * sg * sg)) + Math.exp(-4 / (2 * sg * sg)) + Math.exp(-9 / (2 * sg * sg)));
    for (let k = 0; k < 4; k++) taps[k] = Math.exp((-k * k) / (2 * sg * sg)) / tot;
    if (2 * (taps[1] + 4 * taps[2] + 9 * taps[3]) < 1) lo = sg;
    else hi = sg;
  }
  const g0 = taps[0];
  const g1 = taps[1];
  const g2 = taps[2];
  const g3 = taps[3];
  const hL = new Float64Array(levels);
  const pL = new Float64Array(levels);
  const nxL = new Int32Array(levels);
  const nyL = new Int32Array(levels);
  const oxL = new Float64Array(levels);
  const oyL = new Float64Array(levels);
  const slotL = new Float64Array(levels);
  // Per level 7 fields: groups 0..3 (group q in field q & 3), 4 = pending (a group handed down
  // from the level below), 5 = the sum spots read, 6 = archive (top level). Rect: x0, x1, y0, y1
  // (empty: x0 > x1).
  const FIELDS = 7;
  const fields: Float64Array[] = [];
  const rect = new Int32Array(levels * FIELDS * 4);
  const pendingGroup = new Float64Array(levels).fill(-1);
  let maxSide = 0;
  const h0 = Math.sqrt((fourK * slotMs) / 2);
  for (let l = 0; l < levels; l++) {
    const h = h0 * 2 ** l;
    hL[l] = h;
    pL[l] = slotMs * 4 ** l;
    nxL[l] = Math.ceil(wBox / h) + 1 + 2 * MARGIN;
    nyL[l] = Math.ceil(hBox / h) + 1 + 2 * MARGIN;
    oxL[l] = minX - MARGIN * h;
    oyL[l] = minY - MARGIN * h;
    maxSide = Math.max(maxSide, nxL[l], nyL[l]);
    for (let f = 0; f < FIELDS; f++) {
      fields.push(new Float64Array(grids ? nxL[l] * nyL[l] : 0));
      const r = (l * FIELDS + f) * 4;
      rect[r] = 1;
      rect[r + 1] = 0;
    }
  }
  const line = new Float64Array(maxSide + 4 * TAPS + 2);
  let maxNodes = 0;
  if (grids)
    for (let l = 0; l < levels; l++) maxNodes = Math.max(maxNodes, (nxL[l] + 2 * TAPS) * (nyL[l] + 4 * TAPS));
  const tmp = new Float64Array(maxNodes);
  const colMax = new Float64Array(maxSide + 2 * TAPS);
  const wxs = new Float64Array(4 * maxSide + 64);
  const wys = new Float64Array(4 * maxSide + 64);

  const clearField = (l: number, f: number): void => {
    const r = (l * FIELDS + f) * 4;
    if (rect[r] <= rect[r + 1]) {
      const a = fields[l * FIELDS + f];
      const nx = nxL[l];
      for (let b = rect[r + 2]; b <= rect[r + 3]; b++) a.fill(0, b * nx + rect[r], b * nx + rect[r + 1] + 1);
    }
    rect[r] = 1;
    rect[r + 1] = 0;
  };
  /** Add field `src` of level l into field `dst` of the same level. */
  const addField = (l: number, src: number, dst: number): void => {
    const rs = (l * FIELDS + src) * 4;
    if (rect[rs] > rect[rs + 1]) return;
    const rd = (l * FIELDS + dst) * 4;
    const a = fields[l * FIELDS + src];
    const d = fields[l * FIELDS + dst];
    const nx = nxL[l];
    for (let b = rect[rs + 2]; b <= rect[rs + 3]; b++)
      for (let k = b * nx + rect[rs], e = b * nx + rect[rs + 1]; k <= e; k++) d[k] += a[k];
    if (rect[rd] > rect[rd + 1]) {
      rect[rd] = rect[rs];
      rect[rd + 1] = rect[rs + 1];
      rect[rd + 2] = rect[rs + 2];
      rect[rd + 3] = rect[rs + 3];
    } else {
      rect[rd] = Math.min(rect[rd], rect[rs]);
      rect[rd + 1] = Math.max(rect[rd + 1], rect[rs + 1]);
      rect[rd + 2] = Math.min(rect[rd + 2], rect[rs + 2]);
      rect[rd + 3] = Math.max(rect[rd + 3], rect[rs + 3]);
    }
  };
  /** One slot of diffusion: separable 7-tap kernel of variance 1 node²; the rect grows, then faded edges go. */
  const blurField = (l: number, f: number): void => {
    const r = (l * FIELDS + f) * 4;
    if (rect[r] > rect[r + 1]) return;
    const a = fields[l * FIELDS + f];
    const nx = nxL[l];
    const ny = nyL[l];
    const x0 = rect[r];
    const x1 = rect[r + 1];
    const y0 = rect[r + 2];
    const y1 = rect[r + 3];
    const nx0 = Math.max(0, x0 - TAPS);
    const nx1 = Math.min(nx - 1, x1 + TAPS);
    const ny0 = Math.max(0, y0 - TAPS);
    const ny1 = Math.min(ny - 1, y1 + TAPS);
    const wn = nx1 - nx0 + 1;
    // Row pass into tmp: node (a2, b) at tmp[(b − y0 + 2·TAPS)·wn + a2 − nx0]; 2·TAPS zero rows each side.
    const hIn = y1 - y0 + 1;
    tmp.fill(0, 0, 2 * TAPS * wn);
    tmp.fill(0, (hIn + 2 * TAPS) * wn, (hIn + 4 * TAPS) * wn);
    const off = x0 - 2 * TAPS; // line[k] is node off + k
    const lineLen = x1 - x0 + 1 + 4 * TAPS;
    for (let b = y0; b <= y1; b++) {
      const row = b * nx;
      line.fill(0, 0, lineLen);
      for (let a2 = x0; a2 <= x1; a2++) line[a2 - off] = a[row + a2];
      const tr = (b - y0 + 2 * TAPS) * wn - nx0;
      for (let a2 = nx0; a2 <= nx1; a2++) {
        const c = a2 - off;
        tmp[tr + a2] =
          g0 * line[c] +
          g1 * (line[c - 1] + line[c + 1]) +
          g2 * (line[c - 2] + line[c + 2]) +
          g3 * (line[c - 3] + line[c + 3]);
      }
    }
    // Column pass back into the field, with the largest value per row and column.
    colMax.fill(0, 0, wn);
    let Y0 = -1;
    let Y1 = -1;
    for (let b = ny0; b <= ny1; b++) {
      const t0r = (b - y0 + 2 * TAPS) * wn;
      const row = b * nx;
      let rowMax = 0;
      for (let k = 0; k < wn; k++) {
        const c = t0r + k;
        const v =
          g0 * tmp[c] +
          g1 * (tmp[c - wn] + tmp[c + wn]) +
          g2 * (tmp[c - 2 * wn] + tmp[c + 2 * wn]) +
          g3 * (tmp[c - 3 * wn] + tmp[c + 3 * wn]);
        a[row + nx0 + k] = v;
        const m = v < 0 ? -v : v;
        if (m > rowMax) rowMax = m;
        if (m > colMax[k]) colMax[k] = m;
      }
      if (rowMax >= TRIM) {
        if (Y0 < 0) Y0 = b;
        Y1 = b;
      }
    }
    let X0 = -1;
    let X1 = -1;
    for (let k = 0; k < wn; k++)
      if (colMax[k] >= TRIM) {
        if (X0 < 0) X0 = nx0 + k;
        X1 = nx0 + k;
      }
    if (Y0 < 0 || X0 < 0) {
      for (let b = ny0; b <= ny1; b++) a.fill(0, b * nx + nx0, b * nx + nx1 + 1);
      rect[r] = 1;
      rect[r + 1] = 0;
      return;
    }
    for (let b = ny0; b <= ny1; b++) {
      if (b < Y0 || b > Y1) a.fill(0, b * nx + nx0, b * nx + nx1 + 1);
      else {
        if (X0 > nx0) a.fill(0, b * nx + nx0, b * nx + X0);
        if (X1 < nx1) a.fill(0, b * nx + X1 + 1, b * nx + nx1 + 1);
      }
    }
    rect[r] = X0;
    rect[r + 1] = X1;
    rect[r + 2] = Y0;
    rect[r + 3] = Y1;
  };
  /** out[k] = e^{−u(e0 + k)²}, k < count, by a product recurrence (three exponentials). */
  const gaussRow = (outArr: Float64Array, count: number, e0: number, u: number): void => {
    let g = Math.exp(-u * e0 * e0);
    let ratio = Math.exp(-u * (2 * e0 + 1));
    const c = Math.exp(-2 * u);
    for (let k = 0; k < count; k++) {
      outArr[k] = g;
      g *= ratio;
      ratio *= c;
    }
  };
  /** Sample spot j's Gaussian at age `ageMs` onto field f of level 0. */
  let depositNext = 0;
  const deposit = (j: number, ageMs: number, f: number): void => {
    const s = w2 + fourK * ageMs;
    const h = hL[0];
    const nx = nxL[0];
    const ny = nyL[0];
    const reach = 3 * Math.sqrt(s); // e^{−9}
    const fx = (x[j] - oxL[0]) / h;
    const fy = (y[j] - oyL[0]) / h;
    const a0 = Math.max(0, Math.ceil(fx - reach / h));
    const a1 = Math.min(nx - 1, Math.floor(fx + reach / h));
    const b0 = Math.max(0, Math.ceil(fy - reach / h));
    const b1 = Math.min(ny - 1, Math.floor(fy + reach / h));
    if (a0 > a1 || b0 > b1) return;
    const amp = (p[j] * w2) / s;
    const u = (h * h) / s;
    gaussRow(wxs, a1 - a0 + 1, a0 - fx, u);
    gaussRow(wys, b1 - b0 + 1, b0 - fy, u);
    const buf = fields[f];
    for (let b = b0; b <= b1; b++) {
      const wy = amp * wys[b - b0];
      const row = b * nx;
      for (let a2 = a0; a2 <= a1; a2++) buf[row + a2] += wy * wxs[a2 - a0];
    }
    const r = f * 4;
    if (rect[r] > rect[r + 1]) {
      rect[r] = a0;
      rect[r + 1] = a1;
      rect[r + 2] = b0;
      rect[r + 3] = b1;
    } else {
      rect[r] = Math.min(rect[r], a0);
      rect[r + 1] = Math.max(rect[r + 1], a1);
      rect[r + 2] = Math.min(rect[r + 2], b0);
      rect[r + 3] = Math.max(rect[r + 3], b1);
    }
  };
  /** Level l enters its slot s (the previous one was s − 1). */
  const advance = (l: number, s: number): void => {
    const top = l === levels - 1;
    const base = l * FIELDS;
    // 1. One slot of diffusion for everything the level holds.
    for (let f = 0; f < 4; f++) blurField(l, f);
    if (top) blurField(l, 6);
    // 2. The oldest group leaves (already handed down) or joins the archive.
    if (s % 4 === 0 && s >= 12) {
      const f = (s / 4 - 3) & 3;
      if (top) addField(l, f, 6);
      clearField(l, f);
    }
    // 3. Slot m = s − 3 enters group m >> 2 at the reference time (s − 1)·P_l.
    const m = s - 3;
    if (m >= 0) {
      const f = (m >> 2) & 3;
      if (l === 0) {
        const refMs = t0 + (s - 1) * slotMs;
        while (depositNext < n && slotOf[depositNext] <= m) {
          deposit(depositNext, refMs - t[depositNext], base + f);
          depositNext++;
        }
      } else if (pendingGroup[l] === m) {
        addField(l, 4, f);
        clearField(l, 4);
        pendingGroup[l] = -1;
      }
    }
    // 4. Group q, complete, goes down at the next level's reference time (its slot q + 3).
    if (!top && s >= 9 && (s - 9) % 4 === 0) {
      const q = (s - 9) / 4;
      const f = q & 3;
      const rs = (base + f) * 4;
      const l1 = l + 1;
      clearField(l1, 4);
      pendingGroup[l1] = q;
      if (rect[rs] <= rect[rs + 1]) {
        const ax0 = Math.max(0, Math.ceil((rect[rs] + MARGIN) / 2));
        const ax1 = Math.min(nxL[l1] - 1, Math.floor((rect[rs + 1] + MARGIN) / 2));
        const by0 = Math.max(0, Math.ceil((rect[rs + 2] + MARGIN) / 2));
        const by1 = Math.min(nyL[l1] - 1, Math.floor((rect[rs + 3] + MARGIN) / 2));
        if (ax0 <= ax1 && by0 <= by1) {
          const src = fields[base + f];
          const dst = fields[l1 * FIELDS + 4];
          const nx = nxL[l];
          const nx1 = nxL[l1];
          for (let b = by0; b <= by1; b++)
            for (let a2 = ax0; a2 <= ax1; a2++)
              dst[b * nx1 + a2] = src[(2 * b - MARGIN) * nx + 2 * a2 - MARGIN];
          const rd = (l1 * FIELDS + 4) * 4;
          rect[rd] = ax0;
          rect[rd + 1] = ax1;
          rect[rd + 2] = by0;
          rect[rd + 3] = by1;
        }
      }
    }
    // 5. The sum the spots read.
    clearField(l, 5);
    for (let f = 0; f < 4; f++) addField(l, f, 5);
    if (top) addField(l, 6, 5);
    slotL[l] = s;
  };

  // ---- blocks of spots ----
  const lnCut = lnA;
  const invLnK = fourK > 0 ? 1 / (lnCut * fourK) : 0;
  // e^{−x} for x ∈ [0, lnCut] from a table: e^{−x} ≥ e^{−x_k}·(1 − δ) (the tangent of a convex
  // function lies below it), δ = x − x_k < 1/EXP_STEPS, so each term is under-estimated by at most
  // δ²/2 ≈ 5·10⁻⁷ of itself and the sum never exceeds the exact one.
  // Without grids (small scans) every term uses Math.exp.
  const exactExp = levels === 0;
  const EXP_STEPS = 1024;
  const expTab = new Float64Array(Math.ceil(lnCut * EXP_STEPS) + 2);
  const fillExp = (): void => {
    for (let k = 0; k < expTab.length; k++) expTab[k] = Math.exp(-k / EXP_STEPS);
  };
  fillExp();
  const first = new Uint32Array(start.subarray(0, cells)); // per cell: first entry not yet too old
  /** Grid part of spots [i0, i1): writes gridOut. */
  const gridBlock = (i0: number, i1: number, gridOut: Float64Array): void => {
    const tRel0 = t0;
    for (let i = i0; i < i1; i++) {
      const xi = x[i];
      const yi = y[i];
      const s0 = slotOf[i];
      while (slotL[0] < s0) {
        const s = slotL[0] + 1;
        advance(0, s);
        for (let l = 1, d = 4; l < levels && s % d === 0; l++, d *= 4) advance(l, s / d);
      }
      const tRel = t[i] - tRel0;
      let sum = 0;
      for (let l = 0; l < levels; l++) {
        const r = (l * FIELDS + 5) * 4;
        if (rect[r] > rect[r + 1]) continue;
        const h = hL[l];
        const sb = fourK * (tRel - (slotL[l] - 1) * pL[l]);
        const reach = Math.sqrt(7 * sb) / h; // nodes, e^{−7}
        const fx = (xi - oxL[l]) / h;
        const fy = (yi - oyL[l]) / h;
        const a0 = Math.max(rect[r], Math.ceil(fx - reach));
        const a1 = Math.min(rect[r + 1], Math.floor(fx + reach));
        const b0 = Math.max(rect[r + 2], Math.ceil(fy - reach));
        const b1 = Math.min(rect[r + 3], Math.floor(fy + reach));
        if (a0 > a1 || b0 > b1) continue;
        const u = (h * h) / sb;
        gaussRow(wxs, a1 - a0 + 1, a0 - fx, u);
        gaussRow(wys, b1 - b0 + 1, b0 - fy, u);
        const buf = fields[l * FIELDS + 5];
        const nx = nxL[l];
        const wa = a1 - a0;
        let acc = 0;
        for (let b = b0; b <= b1; b++) {
          const row = b * nx + a0;
          let rowSum = 0;
          for (let k = 0; k <= wa; k++) rowSum += buf[row + k] * wxs[k];
          acc += rowSum * wys[b - b0];
        }
        sum += (acc * u) / Math.PI;
      }
      gridOut[i] = sum;
    }
  };
  /** Exact part of spots [i0, i1) (increasing across calls): spots j < i in slots ≥ s_i − 2 within reach. */
  const directBlock = (i0: number, i1: number, dst: Float64Array, add: Float64Array | null): void => {
    for (let i = i0; i < i1; i++) {
      const xi = x[i];
      const yi = y[i];
      const ti = t[i];
      const sLow = levels > 0 ? slotOf[i] - 2 : -1;
      const tLow = levels > 0 ? t0 + sLow * slotMs : t0;
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
  const grid = job.grid;
  if (role === 0) {
    // One thread: per block, the grids then the exact part, written as grid + exact.
    for (let blk = 0; blk < nBlocks; blk++) {
      const i0 = blk * blockSize;
      const i1 = Math.min(n, i0 + blockSize);
      gridBlock(i0, i1, out);
      directBlock(i0, i1, out, out);
    }
    return;
  }
  // Two threads: the main one (role 1) runs the grids over every block, then takes exact-part
  // blocks; the worker (role 2) takes exact-part blocks only. heat.ts adds them.
  if (!ctrl) return;
  const takeDirect = (): boolean => {
    const blk = Atomics.add(ctrl, 0, 1);
    if (blk >= nBlocks) return false;
    const i0 = blk * blockSize;
    directBlock(i0, Math.min(n, i0 + blockSize), out, null);
    Atomics.store(ctrl, 1 + blk, role);
    Atomics.notify(ctrl, 1 + blk);
    return true;
  };
  // The grids first (they are serial: fields advance slot by slot), then exact-part blocks:
  // the worker takes those from the start, or when it is free (in a simulation, after its
  // splat bands), so the serial part never waits behind parallel work.
  if (role === 1 && grid)
    for (let blk = 0; blk < nBlocks; blk++) {
      const i0 = blk * blockSize;
      gridBlock(i0, Math.min(n, i0 + blockSize), grid);
    }
  while (takeDirect()) {}
}
