/**
 * laserscan's hot loops as one WebAssembly module, built by `npm run build:wasm`
 * (AssemblyScript): the heat index's grid ladder (heat-grid.ts) and exact part (heat-exact.ts),
 * the splat-and-stats kernel (splat.ts), Poisson-disk strips (poisson.ts) and the per-spot loops of
 * a scan (scan.ts: stamps, timing), in linear memory laid out with `alloc`
 * (memory.ts). Each run makes its own instance; src/wasm.ts loads the module.
 */
export { alloc, reset } from "./memory";
export { grid, slots, spotBox, windowBoxes } from "./heat-grid";
export { exactBlock, exactSetup } from "./heat-exact";
export { band, bufPtr, countsPtr, gatherBand, histPtr, maxValue, nonzeroCount, rowsPtr, splatBand, splatSetup } from "./splat";
export { poissonStrip, uniforms } from "./poisson";
export { permute, stampLists, sweepSorted, tileRanks, timing } from "./scan";
