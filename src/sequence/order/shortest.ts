/**
 * `shortest`: a short open jump path from the stamp centre through every spot: nearest
 * neighbour construction, then 2-opt and Or-opt moves restricted to each spot's nearest
 * neighbours, with a work queue ("don't-look bits") so only spots near a change are revisited.
 */
import { buildGrid, nearestNeighbourPath, neighbourLists } from "./grid.js";

/** Neighbours per spot kept for the local search. */
const SHORTEST_NEIGHBOURS = 8;
/** Least path gain (mm) that counts as an improvement: stops float round-off cycles. */
const GAIN_EPS_MM = 1e-9;
/** Longest segment moved in one Or-opt step. */
const OR_OPT_MAX = 3;
/** "No spot": past either end of the open path (its edges cost nothing). */
const END = -1;

/** Order the spots `idx` of one stamp as a short path from (startXMm, startYMm), into `out`. */
export function shortest(
  x: Float64Array,
  y: Float64Array,
  idx: Uint32Array,
  startXMm: number,
  startYMm: number,
  out: Uint32Array,
): Uint32Array {
  const m = idx.length;
  if (m <= 2) return shortPath(x, y, idx, startXMm, startYMm, out);
  // Local points 0..m-1 are the spots, m is the depot (stamp centre), fixed at tour position 0.
  const px = new Float64Array(m + 1);
  const py = new Float64Array(m + 1);
  for (let a = 0; a < m; a++) {
    px[a] = x[idx[a]];
    py[a] = y[idx[a]];
  }
  px[m] = startXMm;
  py[m] = startYMm;
  const g = buildGrid(px, py, m);
  const K = Math.min(SHORTEST_NEIGHBOURS, m - 1);
  const nb = neighbourLists(px, py, m, g, K);
  const nn = nearestNeighbourPath(px, py, m, g, startXMm, startYMm);
  const search = new TourSearch(px, py, m, nb, K, nn);
  search.run();
  const tour = search.tour;
  for (let p = 1; p < m + 1; p++) out[p - 1] = idx[tour[p]];
  return out;
}

/** One or two spots: start at the one nearer the centre. */
function shortPath(
  x: Float64Array,
  y: Float64Array,
  idx: Uint32Array,
  startXMm: number,
  startYMm: number,
  out: Uint32Array,
): Uint32Array {
  out.set(idx);
  if (idx.length === 2) {
    const d0 = (x[idx[0]] - startXMm) ** 2 + (y[idx[0]] - startYMm) ** 2;
    const d1 = (x[idx[1]] - startXMm) ** 2 + (y[idx[1]] - startYMm) ** 2;
    if (d1 < d0) {
      out[0] = idx[1];
      out[1] = idx[0];
    }
  }
  return out;
}

/**
 * The local search over an open tour: the depot (point m) at position 0, then the m spots.
 * `nb` holds each spot's K nearest neighbours, nearest first (−1 padded).
 */
class TourSearch {
  /** Point at each tour position, and the position of each point. */
  readonly tour: Int32Array;
  private readonly pos: Int32Array;
  /** Tour length including the depot. */
  private readonly n: number;
  /** Work queue of spots to (re)examine (a ring of m). */
  private readonly queue: Int32Array;
  private readonly queued: Uint8Array;
  private qHead = 0;
  private qLen = 0;
  /** The segment an Or-opt move carries, in its new orientation. */
  private readonly seg = new Int32Array(OR_OPT_MAX);

  constructor(
    private readonly px: Float64Array,
    private readonly py: Float64Array,
    private readonly m: number,
    private readonly nb: Int32Array,
    private readonly K: number,
    start: Int32Array,
  ) {
    const n = m + 1;
    this.n = n;
    this.tour = new Int32Array(n);
    this.pos = new Int32Array(n);
    this.tour[0] = m;
    for (let p = 0; p < m; p++) this.tour[p + 1] = start[p];
    for (let p = 0; p < n; p++) this.pos[this.tour[p]] = p;
    this.queue = new Int32Array(m);
    this.queued = new Uint8Array(m);
    for (let p = 1; p < n; p++) this.push(this.tour[p]);
  }

  /** Improve until no spot in the queue finds a gaining move. */
  run(): void {
    const m = this.m;
    while (this.qLen > 0) {
      const a = this.queue[this.qHead];
      this.qHead = (this.qHead + 1) % m;
      this.qLen--;
      this.queued[a] = 0;
      if (this.twoOpt(a) || this.orOpt(a)) this.push(a);
    }
  }

  private dist(a: number, b: number): number {
    return a === END || b === END
      ? 0
      : Math.sqrt((this.px[a] - this.px[b]) ** 2 + (this.py[a] - this.py[b]) ** 2);
  }

  private succ(a: number): number {
    const p = this.pos[a];
    return p + 1 < this.n ? this.tour[p + 1] : END;
  }

  private pred(a: number): number {
    const p = this.pos[a];
    return p > 0 ? this.tour[p - 1] : END;
  }

  private reverse(lo: number, hi: number): void {
    const { tour, pos } = this;
    while (lo < hi) {
      const t = tour[lo];
      tour[lo] = tour[hi];
      tour[hi] = t;
      pos[tour[lo]] = lo;
      pos[tour[hi]] = hi;
      lo++;
      hi--;
    }
  }

  private push(a: number): void {
    if (a < 0 || a >= this.m || this.queued[a]) return;
    this.queued[a] = 1;
    this.queue[(this.qHead + this.qLen++) % this.m] = a;
  }

  /** 2-opt from spot a: replace (a, succ a) or (pred a, a) and a neighbour's edge. */
  private twoOpt(a: number): boolean {
    const { nb, K, pos } = this;
    const i = pos[a];
    // Successor direction: new edges (a, c) and (b, succ c).
    const b = this.succ(a);
    const dab = this.dist(a, b);
    for (let t = 0; t < K; t++) {
      const c = nb[a * K + t];
      if (c < 0) break;
      const dac = this.dist(a, c);
      if (b !== END && dac >= dab) break;
      if (c === b) continue;
      const d = this.succ(c);
      if (d === a) continue;
      const gain = dab + this.dist(c, d) - dac - this.dist(b, d);
      if (gain > GAIN_EPS_MM) {
        const j = pos[c];
        if (j > i) this.reverse(i + 1, j);
        else this.reverse(j + 1, i);
        this.push4(a, b, c, d);
        return true;
      }
    }
    // Predecessor direction: new edges (a, c) and (pred a, pred c).
    const e = this.pred(a);
    const dae = this.dist(a, e);
    for (let t = 0; t < K; t++) {
      const c = nb[a * K + t];
      if (c < 0) break;
      const dac = this.dist(a, c);
      if (dac >= dae) break;
      if (c === e) continue;
      const f = this.pred(c);
      if (f === a || f === END) continue;
      const gain = dae + this.dist(c, f) - dac - this.dist(e, f);
      if (gain > GAIN_EPS_MM) {
        const j = pos[c];
        if (j < i) this.reverse(j, i - 1);
        else this.reverse(i, j - 1);
        this.push4(a, e, c, f);
        return true;
      }
    }
    return false;
  }

  private push4(a: number, b: number, c: number, d: number): void {
    this.push(a);
    this.push(b);
    this.push(c);
    this.push(d);
  }

  /** Move the segment tour[i..i+len-1] (held, in its new orientation, in `seg`) between u and its successor. */
  private moveSegment(i: number, len: number, u: number): void {
    const { tour, pos, seg } = this;
    const pu = pos[u];
    if (pu > i + len - 1) {
      for (let p = i; p <= pu - len; p++) {
        tour[p] = tour[p + len];
        pos[tour[p]] = p;
      }
      for (let q = 0; q < len; q++) {
        tour[pu - len + 1 + q] = seg[q];
        pos[seg[q]] = pu - len + 1 + q;
      }
    } else {
      for (let p = i + len - 1; p >= pu + 1 + len; p--) {
        tour[p] = tour[p - len];
        pos[tour[p]] = p;
      }
      for (let q = 0; q < len; q++) {
        tour[pu + 1 + q] = seg[q];
        pos[seg[q]] = pu + 1 + q;
      }
    }
  }

  /** Or-opt from spot a: move the segment of 1..3 spots starting at a next to a neighbour. */
  private orOpt(a: number): boolean {
    const { tour, n } = this;
    const i = this.pos[a];
    for (let len = 1; len <= OR_OPT_MAX; len++) {
      if (i + len - 1 >= n) break;
      const sL = tour[i + len - 1];
      const p = tour[i - 1];
      const nx = i + len < n ? tour[i + len] : END;
      const removeGain = this.dist(p, a) + this.dist(sL, nx) - this.dist(p, nx);
      if (removeGain <= GAIN_EPS_MM) continue;
      for (let end = 0; end < 2; end++)
        if (this.insertNear(i, len, end === 0 ? a : sL, end === 0 ? sL : a, removeGain, p, nx)) return true;
    }
    return false;
  }

  /**
   * Try to insert the segment tour[i..i+len-1] (ends s1 = tour[i], sL; `near` the end placed next
   * to a neighbour c, `far` the other) before or after a neighbour of `near`, where it saves more
   * than taking it out (`removeGain`) costs; `p`, `nx`: the segment's current neighbours.
   */
  private insertNear(
    i: number,
    len: number,
    near: number,
    far: number,
    removeGain: number,
    p: number,
    nx: number,
  ): boolean {
    const { tour, pos, nb, K } = this;
    const s1 = tour[i];
    const sL = tour[i + len - 1];
    for (let t = 0; t < K; t++) {
      const c = nb[near * K + t];
      if (c < 0) break;
      const dnc = this.dist(near, c);
      if (dnc >= removeGain) break;
      const pc = pos[c];
      if (pc >= i && pc < i + len) continue;
      // Insert after c (c, near..far, succ c) or before c (pred c, far..near, c).
      for (let side = 0; side < 2; side++) {
        const u = side === 0 ? c : this.pred(c);
        const v = side === 0 ? this.succ(c) : c;
        if (u === END) continue;
        if (u === sL || v === s1) continue; // that is where the segment already is
        const pu = pos[u];
        if (pu >= i && pu < i + len) continue;
        const add =
          side === 0 ? dnc + this.dist(far, v) - this.dist(u, v) : this.dist(u, far) + dnc - this.dist(u, v);
        if (removeGain - add > GAIN_EPS_MM) {
          // Orientation along the tour after the move: u → first … last → v.
          const first = side === 0 ? near : far;
          const forward = first === s1;
          for (let q = 0; q < len; q++) this.seg[q] = forward ? tour[i + q] : tour[i + len - 1 - q];
          this.moveSegment(i, len, u);
          this.push4(s1, sL, p, nx);
          this.push(u);
          this.push(v);
          return true;
        }
      }
    }
    return false;
  }
}
