/** What every firing order is given: the pattern's spots and the order's settings. */
import type { ORDERS } from "../../plan/schema.js";

export type Order = (typeof ORDERS)[number];

/** What the orders need to know about the whole pattern. */
export interface OrderContext {
  /** Spot centres, mm (all spots of the pattern, indexed by spot index). */
  x: Float64Array;
  y: Float64Array;
  /** Lattice row and column per spot, when the lattice has them and its rows are horizontal. */
  row?: Int32Array;
  col?: Int32Array;
  /** Band height for irregular patterns: the mean spot spacing 1/√density, mm. */
  spacingMm: number;
  /** Bands and columns of irregular patterns count from here (the area's lower-left), mm. */
  originXMm: number;
  originYMm: number;
  /** `interleave`: sub-lattices per axis (default 3). */
  k: number;
  /** `spread`: least distance between consecutive spots, mm. */
  minStepMm: number;
}
