/**
 * Linear memory of the module: a bump allocator (an instance serves one run at a time, its memory
 * starts zeroed, nothing is freed until `reset`) and typed loads and stores by element index.
 */

let top: usize = __heap_base;

/** Imported from src/wasm/module.ts: throws an error that says what was asked for (the run then stops). */
@external("env", "outOfMemory")
declare function outOfMemory(bytes: f64, inUse: f64): void;

/**
 * `bytes` of zeroed memory, 16-byte aligned (the memory grows as needed). Stops the run with an
 * error saying so when asked for 2 GiB or more (JavaScript's number arrives wrapped to a negative
 * i32) or when the memory cannot grow (4 GiB in all), rather than hand out memory that overlaps.
 */
export function alloc(bytes: i32): usize {
  if (bytes < 0) fail(<f64>(<u32>bytes));
  const p = (top + 15) & ~(<usize>15);
  const end = p + <usize>bytes;
  const need = <i32>((end + 0xffff) >>> 16);
  const have = memory.size();
  if (end < p || (need > have && memory.grow(need - have) < 0)) fail(<f64>bytes);
  top = end;
  return p;
}

function fail(bytes: f64): void {
  outOfMemory(bytes, <f64>top);
  unreachable();
}

/**
 * Free everything `alloc` handed out and zero it, so the instance can serve another run (src/wasm/module.ts
 * reuses instances: their memory is already mapped, where a fresh one is mapped page by page).
 */
export function reset(): void {
  memory.fill(__heap_base, 0, top - __heap_base);
  top = __heap_base;
}

// @ts-ignore: decorator
@inline export function ldf(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline export function stf(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}
// @ts-ignore: decorator
@inline export function ldi(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline export function sti(base: usize, i: i32, v: i32): void {
  store<i32>(base + (<usize>i << 2), v);
}

/**
 * out[k] = g·r_0·r_1·…·r_{k−1} with r_k = ratio·c^k, k < count: e^{−u(e0 + k)²} from three
 * exponentials (heat-grid.ts gaussRow, splat.ts footprints).
 */
export function gaussSeries(out: usize, count: i32, g: f64, ratio: f64, c: f64): void {
  for (let k = 0; k < count; k++) {
    stf(out, k, g);
    g *= ratio;
    ratio *= c;
  }
}

/** Zero an array of doubles, [from, to). */
export function zero(base: usize, from: i32, to: i32): void {
  if (to > from) memory.fill(base + (<usize>from << 3), 0, <usize>(to - from) << 3);
}
