/**
 * The far field of the bulk-rise sum (docs/bulk-heating.md): heat older than two slots carried
 * as fields on a grid instead of term by term.
 *
 * A term is g(τ)·G(r; S), G(r; S) = exp(−r²/S)/(πS), S = s0 + 4κτ, g(τ) = Q/(ρcL)·erf(L/√(4κτ)).
 * Over the ages the fields carry, g is fitted by decaying exponentials Σ a_k·e^(−λ_k·τ); then
 * each k is a field F_k(x) = Σ_j a_k·e^(−λ_k·(T − t_j))·G(x − x_j; S_j(T)) at a reference time T,
 * and advancing T by a slot P is exact: blur by G(·; 4κP) (the lateral heat kernel) and multiply
 * by e^(−λ_k·P). A spot at t reads Σ_k e^(−λ_k(t − T))·(G(·; 4κ(t − T)) * F_k)(x), the lattice sum
 * standing for the convolution. Node spacing h with 2h² = 4κP: every Gaussian sampled or read is
 * at least 2h² wide, where lattice sums are within e^(−π²) ≈ 5·10⁻⁵ of the integrals.
 *
 * Slots are counted from the first spot: spot i in slot s reads the fields at T = (s − 1)·P, which
 * hold the spots of slots ≤ s − 3 (ages > 2P); slots s − 2 .. s are summed exactly.
 */

/** Gaussian taps of the slot blur (per-axis variance 1 node²), ±BLUR_TAPS. */
const BLUR_TAPS = 4;
/** Gaussians are cut where exp(−r²/S) falls below e^(−CUT_EXP). */
const CUT_EXP = 10;

/**
 * Decay rates λ_k (1/ms) and weights a_k with Σ a_k·e^(−λ_k·τ) ≈ g(τ) over [tauMin, tauMax], fitted
 * in relative least squares on a log grid of ages (QR by modified Gram–Schmidt). More terms are
 * tried until the largest relative error on a finer grid is below `tol`. Returns the fit and that
 * error.
 */
export function fitExponentials(
  g: (tauMs: number) => number,
  tauMin: number,
  tauMax: number,
  tol = 1e-3,
): { lambda: Float64Array; a: Float64Array; maxRelError: number } {
  const decades = Math.log10(tauMax / tauMin);
  let best = { lambda: new Float64Array(0), a: new Float64Array(0), maxRelError: Infinity };
  for (let extra = 0; extra <= 8; extra += 2) {
    const kTerms = Math.max(3, Math.ceil(2.5 * decades) + 3 + extra);
    const lamLo = 0.25 / tauMax;
    const lamHi = 4 / tauMin;
    const lambda = new Float64Array(kTerms);
    for (let k = 0; k < kTerms; k++) lambda[k] = lamLo * (lamHi / lamLo) ** (k / (kTerms - 1));
    const m = 40 * kTerms;
    const taus = new Float64Array(m);
    for (let r = 0; r < m; r++) taus[r] = tauMin * (tauMax / tauMin) ** (r / (m - 1));
    // Columns e^(−λ_k τ_r)/g(τ_r); right-hand side 1.
    const cols: Float64Array[] = [];
    for (let k = 0; k < kTerms; k++) {
      const c = new Float64Array(m);
      for (let r = 0; r < m; r++) c[r] = Math.exp(-lambda[k] * taus[r]) / g(taus[r]);
      cols.push(c);
    }
    const rMat = new Float64Array(kTerms * kTerms);
    const qty = new Float64Array(kTerms);
    const b = new Float64Array(m).fill(1);
    for (let k = 0; k < kTerms; k++) {
      const v = cols[k];
      for (let j = 0; j < k; j++) {
        let dot = 0;
        for (let r = 0; r < m; r++) dot += cols[j][r] * v[r];
        rMat[j * kTerms + k] = dot;
        for (let r = 0; r < m; r++) v[r] -= dot * cols[j][r];
      }
      let norm = 0;
      for (let r = 0; r < m; r++) norm += v[r] * v[r];
      norm = Math.sqrt(norm);
      rMat[k * kTerms + k] = norm;
      for (let r = 0; r < m; r++) v[r] /= norm;
      let dot = 0;
      for (let r = 0; r < m; r++) dot += v[r] * b[r];
      qty[k] = dot;
    }
    const a = new Float64Array(kTerms);
    for (let k = kTerms - 1; k >= 0; k--) {
      let s = qty[k];
      for (let j = k + 1; j < kTerms; j++) s -= rMat[k * kTerms + j] * a[j];
      a[k] = s / rMat[k * kTerms + k];
    }
    let maxRelError = 0;
    for (let r = 0; r <= 4 * m; r++) {
      const tau = tauMin * (tauMax / tauMin) ** (r / (4 * m));
      let f = 0;
      for (let k = 0; k < kTerms; k++) f += a[k] * Math.exp(-lambda[k] * tau);
      maxRelError = Math.max(maxRelError, Math.abs(f / g(tau) - 1));
    }
    if (maxRelError < best.maxRelError) best = { lambda, a, maxRelError };
    if (maxRelError < tol) break;
  }
  return best;
}

/** The far-field grid: fields F_k interleaved per node, [node·K + k]. */
export class FarField {
  readonly h: number;
  readonly nx: number;
  readonly ny: number;
  readonly x0: number;
  readonly y0: number;
  readonly kTerms: number;
  private f: Float64Array;
  private tmp: Float64Array;
  private readonly decay: Float64Array;
  private readonly taps: Float64Array;
  private readonly wx: Float64Array;
  private readonly wy: Float64Array;
  private readonly coef: Float64Array;
  private readonly weight: Float64Array;
  /** Node box holding anything non-zero (inclusive), or empty (ix0 > ix1). */
  private ix0 = 1;
  private ix1 = 0;
  private iy0 = 1;
  private iy1 = 0;

  constructor(
    readonly slotMs: number,
    readonly fourK: number,
    readonly lambda: Float64Array,
    readonly a: Float64Array,
    box: { minX: number; minY: number; maxX: number; maxY: number },
    marginMm: number,
    /** Widest Gaussian deposited, S in mm² (sizes the weight buffers). */
    maxDepositS: number,
  ) {
    this.h = Math.sqrt((fourK * slotMs) / 2);
    this.kTerms = lambda.length;
    this.x0 = box.minX - marginMm;
    this.y0 = box.minY - marginMm;
    this.nx = Math.ceil((box.maxX - box.minX + 2 * marginMm) / this.h) + 1;
    this.ny = Math.ceil((box.maxY - box.minY + 2 * marginMm) / this.h) + 1;
    this.f = new Float64Array(this.nx * this.ny * this.kTerms);
    this.tmp = new Float64Array(this.nx * this.ny * this.kTerms);
    this.decay = Float64Array.from(lambda, (l) => Math.exp(-l * slotMs));
    const taps = new Float64Array(2 * BLUR_TAPS + 1);
    let sum = 0;
    for (let m = -BLUR_TAPS; m <= BLUR_TAPS; m++) sum += taps[m + BLUR_TAPS] = Math.exp(-(m * m) / 2);
    for (let m = 0; m < taps.length; m++) taps[m] /= sum;
    this.taps = taps;
    const span = 2 * Math.ceil(Math.sqrt(CUT_EXP * Math.max(maxDepositS, 4 * this.h * this.h)) / this.h) + 4;
    this.wx = new Float64Array(span);
    this.wy = new Float64Array(span);
    this.coef = new Float64Array(this.kTerms);
    this.weight = new Float64Array(this.kTerms);
  }

  /** Advance the reference time by one slot: blur every field by the heat kernel of P, decay it. */
  advance(): void {
    if (this.ix0 > this.ix1) return;
    const K = this.kTerms;
    const { nx, ny, taps } = this;
    // The box grows by the taps (the blur's reach), clipped to the grid: heat leaving it is lost.
    const x0 = Math.max(0, this.ix0 - BLUR_TAPS);
    const x1 = Math.min(nx - 1, this.ix1 + BLUR_TAPS);
    const y0 = Math.max(0, this.iy0 - BLUR_TAPS);
    const y1 = Math.min(ny - 1, this.iy1 + BLUR_TAPS);
    const f = this.f;
    const t = this.tmp;
    // Along x: rows iy0..iy1 (the only ones holding anything), into tmp over x0..x1.
    for (let iy = this.iy0; iy <= this.iy1; iy++) {
      const row = iy * nx;
      for (let ix = x0; ix <= x1; ix++) {
        const o = (row + ix) * K;
        for (let k = 0; k < K; k++) t[o + k] = 0;
        const m0 = Math.max(-BLUR_TAPS, this.ix0 - ix);
        const m1 = Math.min(BLUR_TAPS, this.ix1 - ix);
        for (let m = m0; m <= m1; m++) {
          const w = taps[m + BLUR_TAPS];
          const src = o + m * K;
          for (let k = 0; k < K; k++) t[o + k] += w * f[src + k];
        }
      }
    }
    // Along y, with the decay, back into f over the grown box; the old box rows of f are
    // overwritten, so clear f's old box first where the new box does not write.
    for (let iy = this.iy0; iy <= this.iy1; iy++) {
      const row = iy * nx;
      for (let ix = this.ix0; ix <= this.ix1; ix++) {
        const o = (row + ix) * K;
        for (let k = 0; k < K; k++) f[o + k] = 0;
      }
    }
    const decay = this.decay;
    for (let iy = y0; iy <= y1; iy++) {
      const m0 = Math.max(-BLUR_TAPS, this.iy0 - iy);
      const m1 = Math.min(BLUR_TAPS, this.iy1 - iy);
      for (let ix = x0; ix <= x1; ix++) {
        const o = (iy * nx + ix) * K;
        for (let m = m0; m <= m1; m++) {
          const w = taps[m + BLUR_TAPS];
          const src = ((iy + m) * nx + ix) * K;
          for (let k = 0; k < K; k++) f[o + k] += w * t[src + k];
        }
        for (let k = 0; k < K; k++) f[o + k] *= decay[k];
      }
    }
    // tmp is left dirty over the old rows × new columns: clear it for the next slot.
    for (let iy = this.iy0; iy <= this.iy1; iy++) {
      const row = iy * nx;
      for (let ix = x0; ix <= x1; ix++) {
        const o = (row + ix) * K;
        for (let k = 0; k < K; k++) t[o + k] = 0;
      }
    }
    this.ix0 = x0;
    this.ix1 = x1;
    this.iy0 = y0;
    this.iy1 = y1;
  }

  /** Add one pulse at (x, y) fired `ageMs` before the reference time (ageMs > 0). */
  deposit(x: number, y: number, ageMs: number, s0: number): void {
    const K = this.kTerms;
    const s = s0 + this.fourK * ageMs;
    const { h, nx, ny } = this;
    const reach = Math.sqrt(CUT_EXP * s);
    const cx0 = Math.max(0, Math.ceil((x - reach - this.x0) / h));
    const cx1 = Math.min(nx - 1, Math.floor((x + reach - this.x0) / h));
    const cy0 = Math.max(0, Math.ceil((y - reach - this.y0) / h));
    const cy1 = Math.min(ny - 1, Math.floor((y + reach - this.y0) / h));
    if (cx0 > cx1 || cy0 > cy1) return;
    const wx = this.wx;
    const wy = this.wy;
    const inv = 1 / s;
    for (let ix = cx0; ix <= cx1; ix++) {
      const d = this.x0 + ix * h - x;
      wx[ix - cx0] = Math.exp(-d * d * inv);
    }
    for (let iy = cy0; iy <= cy1; iy++) {
      const d = this.y0 + iy * h - y;
      wy[iy - cy0] = Math.exp(-d * d * inv);
    }
    const weight = this.weight;
    const norm = inv / Math.PI;
    for (let k = 0; k < K; k++) weight[k] = this.a[k] * Math.exp(-this.lambda[k] * ageMs) * norm;
    const f = this.f;
    for (let iy = cy0; iy <= cy1; iy++) {
      const wyv = wy[iy - cy0];
      for (let ix = cx0; ix <= cx1; ix++) {
        const w = wyv * wx[ix - cx0];
        const o = (iy * nx + ix) * K;
        for (let k = 0; k < K; k++) f[o + k] += w * weight[k];
      }
    }
    if (this.ix0 > this.ix1) {
      this.ix0 = cx0;
      this.ix1 = cx1;
      this.iy0 = cy0;
      this.iy1 = cy1;
    } else {
      if (cx0 < this.ix0) this.ix0 = cx0;
      if (cx1 > this.ix1) this.ix1 = cx1;
      if (cy0 < this.iy0) this.iy0 = cy0;
      if (cy1 > this.iy1) this.iy1 = cy1;
    }
  }

  /** The far field at (x, y), `sinceRefMs` after the reference time (≥ one slot). */
  read(x: number, y: number, sinceRefMs: number): number {
    if (this.ix0 > this.ix1) return 0;
    const K = this.kTerms;
    const s = this.fourK * sinceRefMs;
    const { h, nx } = this;
    const reach = Math.sqrt(CUT_EXP * s);
    const cx0 = Math.max(this.ix0, Math.ceil((x - reach - this.x0) / h));
    const cx1 = Math.min(this.ix1, Math.floor((x + reach - this.x0) / h));
    const cy0 = Math.max(this.iy0, Math.ceil((y - reach - this.y0) / h));
    const cy1 = Math.min(this.iy1, Math.floor((y + reach - this.y0) / h));
    if (cx0 > cx1 || cy0 > cy1) return 0;
    const wx = this.wx;
    const wy = this.wy;
    const inv = 1 / s;
    for (let ix = cx0; ix <= cx1; ix++) {
      const d = this.x0 + ix * h - x;
      wx[ix - cx0] = Math.exp(-d * d * inv);
    }
    for (let iy = cy0; iy <= cy1; iy++) {
      const d = this.y0 + iy * h - y;
      wy[iy - cy0] = Math.exp(-d * d * inv);
    }
    const coef = this.coef;
    for (let k = 0; k < K; k++) coef[k] = Math.exp(-this.lambda[k] * sinceRefMs);
    const f = this.f;
    let sum = 0;
    for (let iy = cy0; iy <= cy1; iy++) {
      let rowSum = 0;
      for (let ix = cx0; ix <= cx1; ix++) {
        const o = (iy * nx + ix) * K;
        let v = 0;
        for (let k = 0; k < K; k++) v += coef[k] * f[o + k];
        rowSum += wx[ix - cx0] * v;
      }
      sum += wy[iy - cy0] * rowSum;
    }
    return (sum * h * h) / (Math.PI * s);
  }
}
