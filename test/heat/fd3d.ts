/**
 * Test helper (not product code): an explicit finite-difference solve of the 3-D heat equation
 * ∂T/∂t = κ∇²T in a box under an insulated surface, for checking the bulk-rise closed form.
 *
 * Cell-centred grid of side h: cells (i, j, k) with centres x = x0 + i·h, y = y0 + j·h,
 * z = (k + ½)·h (z down from the surface). Zero-flux (mirror) faces on every side; the box is
 * chosen wide enough that no heat reaches the sides in the run. A pulse adds its column as exact
 * cell averages: heat Q·g(x)·g(y)·[k < L/h]/(L/h), g the cell integral of exp(−x²/s0)/√(πs0)
 * (so the grid holds exactly Q). The surface temperature is extrapolated from the first two
 * cells with zero gradient: T(0) ≈ (9·T₀ − T₁)/8.
 */

/** Error function by composite Simpson on 2/√π·∫₀ˣ e^{−u²} du (independent of src/). */
export function erfSimpson(x: number): number {
  if (x < 0) return -erfSimpson(-x);
  if (x > 8) return 1;
  const m = 2000;
  const h = x / m;
  let s = 1 + Math.exp(-x * x);
  for (let k = 1; k < m; k++) s += (k % 2 === 1 ? 4 : 2) * Math.exp(-(k * h) * (k * h));
  return ((s * h) / 3) * (2 / Math.sqrt(Math.PI));
}

export interface FdGrid {
  nx: number;
  ny: number;
  nz: number;
  h: number;
  x0: number;
  y0: number;
  /** Temperature rise per cell, K, index (k·ny + j)·nx + i. */
  t: Float64Array;
}

export function makeGrid(nx: number, ny: number, nz: number, h: number, x0: number, y0: number): FdGrid {
  return { nx, ny, nz, h, x0, y0, t: new Float64Array(nx * ny * nz) };
}

/** Deposit heat `qJ` (J) as a column of depth `depthMm` (a whole number of cells) centred at (cx, cy). */
export function deposit(
  g: FdGrid,
  cx: number,
  cy: number,
  qJ: number,
  depthMm: number,
  s0Mm2: number,
  rhoC: number,
): void {
  const layers = Math.round(depthMm / g.h);
  const sq = Math.sqrt(s0Mm2);
  const cellInt = (c: number, centre: number): number =>
    0.5 * (erfSimpson((c + g.h / 2 - centre) / sq) - erfSimpson((c - g.h / 2 - centre) / sq));
  const fx = new Float64Array(g.nx);
  const fy = new Float64Array(g.ny);
  for (let i = 0; i < g.nx; i++) fx[i] = cellInt(g.x0 + i * g.h, cx);
  for (let j = 0; j < g.ny; j++) fy[j] = cellInt(g.y0 + j * g.h, cy);
  const perCell = qJ / rhoC / (g.h * g.h * g.h) / layers;
  for (let k = 0; k < layers; k++)
    for (let j = 0; j < g.ny; j++) {
      if (fy[j] < 1e-14) continue;
      for (let i = 0; i < g.nx; i++) g.t[(k * g.ny + j) * g.nx + i] += perCell * fx[i] * fy[j];
    }
}

/** Advance `steps` explicit steps of `dtS` seconds (κ·dt/h² must be ≤ 1/6). */
export function step(g: FdGrid, kappaMm2S: number, dtS: number, steps: number, scratch: Float64Array): void {
  const { nx, ny, nz } = g;
  const a = (kappaMm2S * dtS) / (g.h * g.h);
  if (a > 1 / 6) throw new Error(`unstable: κdt/h² = ${a}`);
  let src = g.t;
  let dst = scratch;
  for (let s = 0; s < steps; s++) {
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          const c = (k * ny + j) * nx + i;
          const v = src[c];
          const xm = i > 0 ? src[c - 1] : v;
          const xp = i < nx - 1 ? src[c + 1] : v;
          const ym = j > 0 ? src[c - nx] : v;
          const yp = j < ny - 1 ? src[c + nx] : v;
          const zm = k > 0 ? src[c - nx * ny] : v; // the surface: no flux
          const zp = k < nz - 1 ? src[c + nx * ny] : v;
          dst[c] = v + a * (xm + xp + ym + yp + zm + zp - 6 * v);
        }
    const tmp = src;
    src = dst;
    dst = tmp;
  }
  if (src !== g.t) g.t.set(src);
}

/** Surface temperature above cell column (i, j), K. */
export function surfaceAt(g: FdGrid, i: number, j: number): number {
  const t0 = g.t[j * g.nx + i];
  const t1 = g.t[(g.ny + j) * g.nx + i];
  return (9 * t0 - t1) / 8;
}

/** Total heat on the grid, J. */
export function gridHeat(g: FdGrid, rhoC: number): number {
  let s = 0;
  for (let c = 0; c < g.t.length; c++) s += g.t[c];
  return s * rhoC * g.h * g.h * g.h;
}
