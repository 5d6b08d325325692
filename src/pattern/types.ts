/**
 * A spot pattern: struct-of-arrays of spot centres in mm (STYLE.md). Regular lattices also
 * carry each spot's lattice row and column index (used by the `interleave` order).
 */
export interface Spots {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly count: number;
  /** Lattice row index per spot (square, hex, jittered), else undefined. */
  readonly row?: Int32Array;
  /** Lattice column index per spot (square, hex, jittered), else undefined. */
  readonly col?: Int32Array;
  /** Mean spot spacing 1/√density, mm (row band height for irregular patterns). */
  readonly spacingMm: number;
}
