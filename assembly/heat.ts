/**
 * The heat index kernels (SPEC §3.4) as one WebAssembly module, built by `npm run build:wasm`:
 * the grid ladder (heat-grid.ts) and the exact part (heat-exact.ts), in linear memory laid out
 * with `alloc` (memory.ts). src/sequence/heat-wasm.ts and heat-kernel.ts drive them.
 */
export { alloc } from "./memory";
export { grid } from "./heat-grid";
export { exactBlock, exactSetup } from "./heat-exact";
