/**
 * The far field of the bulk-rise sum (docs/bulk-heating.md): heat older than two slots carried
 * on the heat index's ladder of grids (src/sequence/heat-grid.ts) instead of term by term.
 *
 * A term is g(τ)·G(r; S), G(r; S) = exp(−r²/S)/(πS), S = s0 + 4κτ, g(τ) = Q/(ρcL)·erf(L/√(4κτ)).
 * Over the ages the ladder carries (from two slots to the whole treatment), g is fitted by
 * decaying exponentials Σ a_k·e^(−λ_k·τ); term k is then the heat index's ladder with every field
 * carrying its heat times e^(−λ_k·age): deposits weighted by e^(−λ_k·age), each slot's blur
 * multiplied by e^(−λ_k·P_ℓ), each read by e^(−λ_k·(t − ref)), all exact. The ladder runs once per
 * term (its lattice sums are within e^(−π²) of the integrals, heat-exact.ts); a second thread
 * takes half of the terms. Slots are counted from the first pulse: a spot in slot s reads the
 * pulses of slots ≤ s − 3 from the ladder; the rest are summed exactly (bulk-rise.ts).
 */

import { post, workersByDefault } from "../parallel/pool.js";
import { releaseInstance, takeInstance, wasmModule } from "../wasm/module.js";
import { type FarJob, runFarJob } from "./far-job.js";

/** Pulses from which the far field uses a second thread by default (a worker costs ~30 ms to start). */
const THREADED_MIN_PULSES = 20_000;
/** How long to wait for the worker's terms before running them on this thread, ms. */
const WORKER_TIMEOUT_MS = 30_000;

/**
 * Decay rates λ_k (1/ms) and weights a_k with Σ a_k·e^(−λ_k·τ) ≈ g(τ) over [tauMin, tauMax]: the
 * fewest terms (2 to 12) whose largest relative error on a fine log grid of ages is below `tol`
 * (or the best fit found). For a given K the weights are the relative least-squares solution
 * for the rates (QR by modified Gram–Schmidt), and the rates, starting log-spaced, are moved by
 * Levenberg–Marquardt steps on that residual (variable projection, finite-difference Jacobian in
 * ln λ). Plain arithmetic in a fixed order: the same fit on every machine.
 */
export function fitExponentials(
  g: (tauMs: number) => number,
  tauMin: number,
  tauMax: number,
  tol = 1e-3,
): { lambda: Float64Array; a: Float64Array; maxRelError: number } {
  let best: { lambda: Float64Array; a: Float64Array; maxRelError: number } = {
    lambda: new Float64Array(0),
    a: new Float64Array(0),
    maxRelError: Infinity,
  };
  for (let kTerms = 2; kTerms <= 12; kTerms++) {
    const m = 30 * kTerms + 60;
    const taus = new Float64Array(m);
    const inv = new Float64Array(m);
    for (let r = 0; r < m; r++) {
      taus[r] = tauMin * (tauMax / tauMin) ** (r / (m - 1));
      inv[r] = 1 / g(taus[r]);
    }
    const theta = new Float64Array(kTerms);
    const lamLo = 0.5 / tauMax;
    const lamHi = 2 / tauMin;
    for (let k = 0; k < kTerms; k++)
      theta[k] = Math.log(lamLo * (lamHi / lamLo) ** (k / Math.max(1, kTerms - 1)));
    let fit = projected(theta, taus, inv);
    let mu = 1e-3;
    const jac = new Float64Array(m * kTerms);
    for (let it = 0; it < 80; it++) {
      const eps = 1e-6;
      for (let k = 0; k < kTerms; k++) {
        const t2 = Float64Array.from(theta);
        t2[k] += eps;
        const f2 = projected(t2, taus, inv);
        for (let r = 0; r < m; r++) jac[r * kTerms + k] = (f2.res[r] - fit.res[r]) / eps;
      }
      const jtj = new Float64Array(kTerms * kTerms);
      const jtr = new Float64Array(kTerms);
      for (let r = 0; r < m; r++)
        for (let k = 0; k < kTerms; k++) {
          const jk = jac[r * kTerms + k];
          jtr[k] += jk * fit.res[r];
          for (let l = 0; l <= k; l++) jtj[k * kTerms + l] += jk * jac[r * kTerms + l];
        }
      for (let k = 0; k < kTerms; k++) for (let l = 0; l < k; l++) jtj[l * kTerms + k] = jtj[k * kTerms + l];
      // A step that lowers the square sum, with the damping raised until one does.
      let gain = 0;
      for (let tries = 0; tries < 12 && gain === 0; tries++) {
        const sys = Float64Array.from(jtj);
        for (let k = 0; k < kTerms; k++) sys[k * kTerms + k] *= 1 + mu;
        const step = solveSymmetric(sys, jtr, kTerms);
        const t2 = Float64Array.from(theta);
        if (step !== null) for (let k = 0; k < kTerms; k++) t2[k] -= Math.max(-2, Math.min(2, step[k]));
        const f2 = step === null ? null : projected(t2, taus, inv);
        if (f2 !== null && f2.ss < fit.ss) {
          gain = fit.ss - f2.ss;
          theta.set(t2);
          fit = f2;
          mu = Math.max(1e-9, mu / 3);
        } else mu *= 10;
      }
      // Stop when no step helps, when the last one hardly did, or when the fit points are all well
      // within the tolerance (the finer check below decides).
      if (gain <= 1e-4 * fit.ss) break;
      let worst = 0;
      for (let r = 0; r < m; r++) worst = Math.max(worst, Math.abs(fit.res[r]));
      if (worst < 0.5 * tol) break;
    }
    const lambda = Float64Array.from(theta, Math.exp);
    let maxRelError = 0;
    for (let r = 0; r <= 4 * m; r++) {
      const tau = tauMin * (tauMax / tauMin) ** (r / (4 * m));
      let f = 0;
      for (let k = 0; k < kTerms; k++) f += fit.a[k] * Math.exp(-lambda[k] * tau);
      maxRelError = Math.max(maxRelError, Math.abs(f / g(tau) - 1));
    }
    if (maxRelError < best.maxRelError) best = { lambda, a: fit.a, maxRelError };
    if (maxRelError < tol) break;
  }
  return best;
}

/** Weights for rates e^θ in relative least squares, the residual Σ a_k·e^(−λ_k·τ)/g − 1 and its square sum. */
function projected(
  theta: Float64Array,
  taus: Float64Array,
  inv: Float64Array,
): { a: Float64Array<ArrayBuffer>; res: Float64Array; ss: number } {
  const kTerms = theta.length;
  const m = taus.length;
  const cols: Float64Array[] = [];
  for (let k = 0; k < kTerms; k++) {
    const lam = Math.exp(theta[k]);
    const c = new Float64Array(m);
    for (let r = 0; r < m; r++) c[r] = Math.exp(-lam * taus[r]) * inv[r];
    cols.push(c);
  }
  const work = cols.map((c) => Float64Array.from(c));
  const rMat = new Float64Array(kTerms * kTerms);
  const qty = new Float64Array(kTerms);
  for (let k = 0; k < kTerms; k++) {
    const v = work[k];
    for (let j = 0; j < k; j++) {
      let dot = 0;
      for (let r = 0; r < m; r++) dot += work[j][r] * v[r];
      rMat[j * kTerms + k] = dot;
      for (let r = 0; r < m; r++) v[r] -= dot * work[j][r];
    }
    let norm = 0;
    for (let r = 0; r < m; r++) norm += v[r] * v[r];
    norm = Math.sqrt(norm) || 1e-300;
    rMat[k * kTerms + k] = norm;
    for (let r = 0; r < m; r++) v[r] /= norm;
    let dot = 0;
    for (let r = 0; r < m; r++) dot += v[r];
    qty[k] = dot;
  }
  const a = new Float64Array(kTerms);
  for (let k = kTerms - 1; k >= 0; k--) {
    let s = qty[k];
    for (let j = k + 1; j < kTerms; j++) s -= rMat[k * kTerms + j] * a[j];
    a[k] = s / rMat[k * kTerms + k];
  }
  const res = new Float64Array(m);
  let ss = 0;
  for (let r = 0; r < m; r++) {
    let f = -1;
    for (let k = 0; k < kTerms; k++) f += a[k] * cols[k][r];
    res[r] = f;
    ss += f * f;
  }
  return { a, res, ss: Number.isFinite(ss) ? ss : Infinity };
}

/** Solve the symmetric system A·x = b (n × n, Gaussian elimination with partial pivoting); null when singular. */
function solveSymmetric(A: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const M = Float64Array.from(A);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]) > Math.abs(M[piv * n + c])) piv = r;
    if (!(Math.abs(M[piv * n + c]) > 1e-300)) return null;
    if (piv !== c) {
      for (let k = 0; k < n; k++) {
        const t = M[c * n + k];
        M[c * n + k] = M[piv * n + k];
        M[piv * n + k] = t;
      }
      const t = x[c];
      x[c] = x[piv];
      x[piv] = t;
    }
    for (let r = c + 1; r < n; r++) {
      const f = M[r * n + c] / M[c * n + c];
      if (f === 0) continue;
      for (let k = c; k < n; k++) M[r * n + k] -= f * M[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    let s = x[c];
    for (let k = c + 1; k < n; k++) s -= M[c * n + k] * x[k];
    x[c] = s / M[c * n + c];
  }
  return x;
}

/** Inputs of {@link startFarField}: the pulses and the ladder as in a {@link FarJob}, and the fit. */
export interface FarInput
  extends Pick<FarJob, "x" | "y" | "t" | "w" | "s0" | "fourK" | "slotMs" | "levels" | "lambda"> {
  /** The fit of the age factor: a_k (K·mm²) for the rates λ_k (1/ms). */
  a: Float64Array;
  /** Terms below this, K, do not matter (fields are trimmed well below it). */
  cutoffK: number;
  /** Threads (1 or 2); default 2 from 20,000 pulses when workers are on by default. */
  threads?: number;
}

/** A far field under way: the worker (if any) has its terms; {@link PendingFar.finish} runs the rest. */
export interface PendingFar {
  /** Run this thread's terms, wait for the worker's, and sum: the far field, K, at every pulse. */
  finish(): Float64Array;
}

/**
 * Start the far field, K, at every pulse (firing order): Σ_k a_k/(π·s0) · (term k's ladder). The
 * terms are summed in order whatever the thread count, so the result is the same bits on 1 or 2.
 * With two threads the pool worker starts on three terms in four at once,
 * so the caller can sum the recent heat (bulk-rise.ts) before calling `finish`, which runs the
 * remaining terms on this thread.
 */
export function startFarField(input: FarInput): PendingFar {
  const n = input.x.length;
  const K = input.lambda.length;
  const coef = Float64Array.from(input.a, (a) => a / (Math.PI * input.s0));
  // A field value v of term k adds at most |coef_k|·v to a read (the read's weights sum to ≈ 1).
  const trim = Float64Array.from(coef, (c) => (1e-3 * input.cutoffK) / Math.max(Math.abs(c), 1e-300));
  const threads = input.threads ?? (n >= THREADED_MIN_PULSES && workersByDefault() ? 2 : 1);
  const two = threads >= 2 && K >= 2;
  const out = two ? new Float64Array(new SharedArrayBuffer(8 * n * K)) : new Float64Array(n * K);
  const base = {
    module: wasmModule(),
    x: input.x,
    y: input.y,
    t: input.t,
    w: input.w,
    s0: input.s0,
    fourK: input.fourK,
    slotMs: input.slotMs,
    levels: input.levels,
    lambda: input.lambda,
    trim,
    out,
  };
  const all = Int32Array.from({ length: K }, (_, k) => k);
  // The recent heat costs this thread about as long as three ladder runs: it keeps every fourth
  // term, the worker runs the rest.
  const theirs = two ? all.filter((k) => k % 4 !== 1) : new Int32Array(0);
  const ours = two ? all.filter((k) => k % 4 === 1) : all;
  const ctrl = two ? new Int32Array(new SharedArrayBuffer(4)) : null;
  if (ctrl !== null) post(0, { kind: "far", job: { ...base, terms: theirs, ctrl } });
  return {
    finish(): Float64Array {
      const ex = takeInstance();
      runFarJob({ ...base, terms: ours, ctrl: null }, ex);
      if (ctrl !== null && Atomics.wait(ctrl, 0, 0, WORKER_TIMEOUT_MS) === "timed-out")
        runFarJob({ ...base, terms: theirs, ctrl: null }, ex);
      releaseInstance(ex);
      const far = new Float64Array(n);
      for (let k = 0; k < K; k++) {
        const c = coef[k];
        const o = k * n;
        for (let i = 0; i < n; i++) far[i] += c * out[o + i];
      }
      return far;
    },
  };
}
