/**
 * Heat build-up of a firing order (SPEC §3.4):
 * `H_i = Σ_{j<i} p_j · (w²/s) · exp(−|x_i − x_j|²/s)`, `s = w² + 4κ(t_i − t_j)`.
 *
 * Terms below `HEAT_CUTOFF` are skipped, and a two-level grid over the spots (cells of a few
 * spots, blocks of 8 × 8 cells, each list in firing order) finds the rest without an O(N²)
 * sum. The cut-off depends on the time gap: for a pair at distance d the term, maximised over
 * s, is at most `p·w²/(e·d²)` (at s = d²), so no term reaches ε beyond
 * `R_max² = A/e` with `A = p_max·w²/ε` (≈ 606·w for ε = 1e-6). With a time gap Δt the
 * spread s is at most S = w² + 4κΔt and the term at most `p(w²/S)e^{−d²/S}` when d² ≥ S,
 * so the radius is `R(S)² = S·ln(A/S)` for S ≤ A/e (growing with Δt). Inverted, a pair at
 * distance d needs a gap of at least τ(d); a cell at distance d_c only contributes its spots
 * fired τ(d_c) or more before spot i, which is a prefix of its firing-order list.
 */

/** Lateral heat diffusivity of skin, mm²/s (1.3·10⁻⁷ m²/s, SPEC §3.4). */
export const KAPPA_MM2_PER_S = 0.13;
/** Terms of the heat index below this are skipped (SPEC §3.4). */
export const HEAT_CUTOFF = 1e-6;
/** Heat index max above which a scan carries a warning (SPEC §7): one more pulse on the same spot with no cooling. */
export const HEAT_WARN_MAX = 1;

/** Entries of the gap-versus-distance table τ(d). */
const TAU_TABLE = 4096;
/** Cells per block side in the coarse level of the grid. */
const BLOCK = 8;
/** Spots per grid cell aimed at. */
const SPOTS_PER_CELL = 8;
/** Largest number of grid cells. */
const MAX_CELLS = 1 << 22;

/** Heat index statistics (SPEC §3.4, §5 `heat`). */
export interface HeatStats {
  max: number;
  /** 95th percentile (nearest rank). */
  p95: number;
  mean: number;
}

/**
 * Heat index per spot. Arrays are in firing order with non-decreasing `tMs`; `wMm` is the spot's
 * 1/e² radius; `kappaMm2S` the diffusivity. Returns H per spot (firing order).
 */
export function heatIndex(
  xMm: Float64Array,
  yMm: Float64Array,
  tMs: Float64Array,
  pulses: Uint32Array,
  wMm: number,
  kappaMm2S: number = KAPPA_MM2_PER_S,
  cutoff: number = HEAT_CUTOFF,
): Float64Array {
  const n = xMm.length;
  const heat = new Float64Array(n);
  if (n < 2) return heat;
  const w2 = wMm * wMm;
  let pMax = 1;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    if (pulses[i] > pMax) pMax = pulses[i];
    if (xMm[i] < minX) minX = xMm[i];
    if (xMm[i] > maxX) maxX = xMm[i];
    if (yMm[i] < minY) minY = yMm[i];
    if (yMm[i] > maxY) maxY = yMm[i];
  }
  const a = (pMax * w2) / cutoff; // A: a term p(w²/s)e^{−d²/s} ≥ ε needs s < A
  const rMax2 = a / Math.E;
  const rMax = Math.sqrt(rMax2);
  const r0sq = w2 * Math.log(a / w2); // radius at Δt = 0
  // 4κ in mm² per ms.
  const fourK = (4 * kappaMm2S) / 1000;
  const maxLead = (s: number): number => (s <= rMax2 ? s * Math.log(a / s) : rMax2);

  // τ(d) table: least gap (ms) for a pair at distance ≥ k·rMax/TAU_TABLE to reach the cut-off.
  const tau = new Float64Array(TAU_TABLE + 1);
  const dStep = rMax / TAU_TABLE;
  for (let k = 0; k <= TAU_TABLE; k++) {
    const d2 = (k * dStep) ** 2;
    if (d2 <= r0sq) continue;
    if (!(fourK > 0)) {
      tau[k] = Infinity;
      continue;
    }
    let lo = w2;
    let hi = rMax2;
    for (let it = 0; it < 60; it++) {
      const mid = 0.5 * (lo + hi);
      if (mid * Math.log(a / mid) < d2) lo = mid;
      else hi = mid;
    }
    tau[k] = (lo - w2) / fourK;
  }

  // Grid: cells of about SPOTS_PER_CELL spots, lists in firing order.
  const w = Math.max(maxX - minX, 1e-9);
  const h = Math.max(maxY - minY, 1e-9);
  let cellMm = Math.sqrt((SPOTS_PER_CELL * w * h) / n);
  cellMm = Math.max(cellMm, Math.sqrt((w * h) / MAX_CELLS), Math.max(w, h) / 4096, 1e-6);
  const gw = Math.floor(w / cellMm) + 1;
  const gh = Math.floor(h / cellMm) + 1;
  const cells = gw * gh;
  const start = new Uint32Array(cells + 1);
  const cellOf = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const cx = Math.min(gw - 1, Math.floor((xMm[i] - minX) / cellMm));
    const cy = Math.min(gh - 1, Math.floor((yMm[i] - minY) / cellMm));
    const c = cy * gw + cx;
    cellOf[i] = c;
    start[c + 1]++;
  }
  for (let c = 0; c < cells; c++) start[c + 1] += start[c];
  const fill = start.slice(0, cells);
  const items = new Uint32Array(n);
  const cx_ = new Float64Array(n);
  const cy_ = new Float64Array(n);
  const ct = new Float64Array(n);
  const cp = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const q = fill[cellOf[i]]++;
    items[q] = i;
    cx_[q] = xMm[i];
    cy_[q] = yMm[i];
    ct[q] = tMs[i];
    cp[q] = pulses[i];
  }
  // Blocks of BLOCK × BLOCK cells with their earliest firing index.
  const bw = Math.ceil(gw / BLOCK);
  const bh = Math.ceil(gh / BLOCK);
  const blockFirst = new Uint32Array(bw * bh).fill(0xffffffff);
  for (let i = n - 1; i >= 0; i--) {
    const c = cellOf[i];
    const b = Math.floor(Math.floor(c / gw) / BLOCK) * bw + Math.floor((c % gw) / BLOCK);
    blockFirst[b] = i;
  }
  const blockMm = BLOCK * cellMm;
  const t0 = tMs[0];

  for (let i = 1; i < n; i++) {
    const xi = xMm[i];
    const yi = yMm[i];
    const ti = tMs[i];
    const reach = Math.sqrt(maxLead(w2 + fourK * (ti - t0)));
    let sum = 0;
    const bx0 = Math.max(0, Math.floor((xi - reach - minX) / blockMm));
    const bx1 = Math.min(bw - 1, Math.floor((xi + reach - minX) / blockMm));
    const by0 = Math.max(0, Math.floor((yi - reach - minY) / blockMm));
    const by1 = Math.min(bh - 1, Math.floor((yi + reach - minY) / blockMm));
    for (let by = by0; by <= by1; by++) {
      for (let bx = bx0; bx <= bx1; bx++) {
        const first = blockFirst[by * bw + bx];
        if (first >= i) continue; // empty, or nothing fired before spot i
        const bdx = Math.max(0, minX + bx * blockMm - xi, xi - (minX + (bx + 1) * blockMm));
        const bdy = Math.max(0, minY + by * blockMm - yi, yi - (minY + (by + 1) * blockMm));
        const bd = Math.sqrt(bdx * bdx + bdy * bdy);
        if (bd > reach) continue;
        if (tMs[first] > ti - tau[Math.min(TAU_TABLE, Math.floor(bd / dStep))]) continue; // nothing old enough
        const cx0 = bx * BLOCK;
        const cx1 = Math.min(gw - 1, cx0 + BLOCK - 1);
        const cy0 = by * BLOCK;
        const cy1 = Math.min(gh - 1, cy0 + BLOCK - 1);
        for (let cy = cy0; cy <= cy1; cy++) {
          const dy = Math.max(0, minY + cy * cellMm - yi, yi - (minY + (cy + 1) * cellMm));
          for (let cx = cx0; cx <= cx1; cx++) {
            const c = cy * gw + cx;
            let lo = start[c];
            const end = start[c + 1];
            if (lo === end || items[lo] >= i) continue;
            const dx = Math.max(0, minX + cx * cellMm - xi, xi - (minX + (cx + 1) * cellMm));
            const dc = Math.sqrt(dx * dx + dy * dy);
            if (dc > reach) continue;
            const tLimit = ti - tau[Math.min(TAU_TABLE, Math.floor(dc / dStep))];
            // Contributing spots: fired before i and at least τ(d_c) before it (a prefix).
            let hi = end;
            while (lo < hi) {
              const mid = (lo + hi) >>> 1;
              if (items[mid] < i && ct[mid] <= tLimit) lo = mid + 1;
              else hi = mid;
            }
            for (let q = start[c]; q < lo; q++) {
              const s = w2 + fourK * (ti - ct[q]);
              const ex = cx_[q] - xi;
              const ey = cy_[q] - yi;
              sum += cp[q] * (w2 / s) * Math.exp(-(ex * ex + ey * ey) / s);
            }
          }
        }
      }
    }
    heat[i] = sum;
  }
  return heat;
}

/** Max, 95th percentile (nearest rank) and mean of the heat index. */
export function heatStats(heat: Float64Array): HeatStats {
  const n = heat.length;
  if (n === 0) return { max: 0, p95: 0, mean: 0 };
  const sorted = Float64Array.from(heat).sort();
  let total = 0;
  for (let i = 0; i < n; i++) total += heat[i];
  return { max: sorted[n - 1], p95: sorted[Math.max(0, Math.ceil(0.95 * n) - 1)], mean: total / n };
}
