/**
 * Firing orders within one stamp (docs/model.md). Every order writes a permutation of the
 * stamp's spot indices into `out`; the seeded orders draw from the `rng` they are given, so a
 * scan is deterministic per `sequence.seed`. One module per order family in order/.
 */
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import type { Order, OrderContext } from "./order/context.js";
import { shuffle } from "./order/random.js";
import { rowOrder } from "./order/rows.js";
import { shortest } from "./order/shortest.js";
import { spread } from "./order/spread.js";

export type { Order, OrderContext } from "./order/context.js";

/**
 * Order the spots `idx` of one stamp, writing the firing order (spot indices) into `out`.
 * `startXMm`/`startYMm` is where the scanner points before the first spot (the stamp centre).
 */
export function orderStamp(
  order: Order,
  ctx: OrderContext,
  idx: Uint32Array,
  startXMm: number,
  startYMm: number,
  rng: RandomGenerator,
  out: Uint32Array,
): Uint32Array {
  switch (order) {
    case "raster":
      return rowOrder(ctx, idx, false, 1, out);
    case "serpentine":
      return rowOrder(ctx, idx, true, 1, out);
    case "interleave":
      return rowOrder(ctx, idx, true, ctx.k, out);
    case "random":
      return shuffle(idx, rng, out);
    case "spread":
      return spread(ctx.x, ctx.y, idx, ctx.minStepMm, rng, out);
    case "shortest":
      return shortest(ctx.x, ctx.y, idx, startXMm, startYMm, out);
  }
}
