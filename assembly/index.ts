/**
 * laserscan's hot loops as one WebAssembly module, built by `npm run build:wasm`
 * (AssemblyScript): the heat index's grid ladder (heat-grid.ts) and exact part (heat-exact.ts),
 * the bulk rise's recent heat (bulk-exact.ts), the splat-and-stats loops (splat.ts), Poisson-disk
 * strips (poisson.ts) and the per-spot loops of a scan (scan.ts: stamps, timing), in linear memory laid out with `alloc` (memory.ts). Each
 * file has one TypeScript facade in src/wasm/ (the only code that touches an instance's memory);
 * src/wasm/module.ts loads the module. The constants are exported so a test can check that the
 * facades use the same values.
 */
export { alloc, reset } from "./memory";
export { FIELDS, grid, MARGIN, slots, spotBox, TAPS, windowBoxes } from "./heat-grid";
export { exactBlock, exactSetup } from "./heat-exact";
export { BULK_PARAMS, bulkErf, bulkExactBlock, bulkExactSetup } from "./bulk-exact";
export {
  band,
  bandLoss,
  bufPtr,
  countsPtr,
  gatherBand,
  HIST_BASE,
  HIST_BINS,
  HIST_SHIFT,
  histPtr,
  maxValue,
  MODE_DISC_ADD,
  MODE_DISC_MAX,
  MODE_GAUSS_LINEAR,
  MODE_GAUSS_LOG,
  nonzeroCount,
  reHitSetup,
  rowsPtr,
  splatBand,
  splatSetup,
} from "./splat";
export { poissonStrip, uniforms } from "./poisson";
export { EDGE_EPS_MM, permute, rowOrderSorted, stampLists, tileRanks, timing } from "./scan";
