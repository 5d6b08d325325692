/**
 * The WebAssembly module of laserscan's hot loops (assembly/, AssemblyScript), built by
 * `npm run build` into dist/wasm/kernels.wasm: the heat index (sequence/heat-wasm.ts,
 * heat-kernel.ts), the splat-and-stats kernel (dose/kernel.ts), Poisson-disk growth
 * (pattern/poisson.ts) and the per-spot loops of a scan (sequence/stamps.ts, index.ts, timing.ts). As JavaScript, a fresh
 * process spent about as long compiling and deoptimizing these loops as running them; compiled
 * ahead they run at full speed from the first spot. Compiled once per process; every run gets an
 * instance with zeroed memory (a new one, or one a finished run handed back), and workers get the
 * compiled module with their job.
 */
import { readFileSync } from "node:fs";

/** dist/wasm/kernels.wasm, one folder up from src/wasm.ts and from dist/wasm.js alike. */
const WASM_URL = new URL("../dist/wasm/kernels.wasm", import.meta.url);

// Node has WebAssembly; TypeScript's ES2022 lib does not declare it: the little used here.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  compile(bytes: Uint8Array): Promise<object>;
};

let compiled: object | undefined;

function wasmBytes(): Buffer {
  try {
    return readFileSync(WASM_URL);
  } catch {
    throw new Error(`${WASM_URL.pathname} is missing: run \`npm run build\``);
  }
}

/** The compiled module (a WebAssembly.Module, which can be posted to workers). */
export function kernelModule(): object {
  compiled ??= new WebAssembly.Module(wasmBytes());
  return compiled;
}

/**
 * Start compiling the module in the background (the CLI calls this while its modules load):
 * {@link kernelModule} then finds it ready instead of compiling on the spot.
 */
export function precompileKernels(): void {
  if (compiled) return;
  WebAssembly.compile(wasmBytes()).then(
    (m) => {
      compiled ??= m;
    },
    () => {
      // kernelModule() compiles, and reports any problem, on first use
    },
  );
}

/** What every instance exports: its memory and the bump allocator (assembly/memory.ts). */
export interface KernelMemory {
  memory: { buffer: ArrayBuffer };
  alloc(bytes: number): number;
}

/**
 * An instance of the module with zeroed memory and the exports `T` the caller uses: one handed
 * back by {@link releaseInstance} (its allocator reset and its memory zeroed) or a new one. The
 * drivers that also run in workers (dose/kernel.ts, sequence/heat-kernel.ts, pattern/poisson.ts)
 * are handed one (a worker makes its own: workers.ts).
 */
export function kernelInstance<T>(): T & KernelMemory {
  return pool.take(kernelModule()) as T & KernelMemory;
}

/**
 * What the module imports: `abort` (AssemblyScript's) and `outOfMemory`, called by its allocator
 * before it traps (assembly/memory.ts). No input within SPEC's limits gets near 4 GiB (the raster
 * guard, 20 M spots); should one, the run stops with this line instead of "unreachable".
 */
export const KERNEL_IMPORTS = {
  env: {
    abort(): never {
      throw new Error("laserscan kernel module aborted");
    },
    outOfMemory(bytes: number, inUse: number): never {
      const mb = (b: number) => `${Math.ceil(b / 2 ** 20)} MB`;
      throw new Error(
        `a WebAssembly kernel ran out of memory: it asked for ${mb(bytes)} with ${mb(inUse)} in use, and one instance holds at most 4096 MB (a smaller run, e.g. fewer spots or a larger raster.pixelUm, fits)`,
      );
    },
  },
};

/**
 * Instances of the module handed back for reuse: `take` resets a spare's allocator and zeroes the
 * memory it used (assembly/memory.ts `reset`) or makes a new instance; `give` keeps at most
 * `maxSpares`, each of at most `maxBytes` (the rest go to the GC). Self-contained: workers.ts puts
 * its source in the workers' (one module, so any instance serves any job).
 */
export class InstancePool {
  private readonly spares: { memory: { buffer: ArrayBuffer }; reset(): void }[] = [];

  constructor(
    private readonly imports: object,
    private readonly maxSpares: number,
    private readonly maxBytes: number,
  ) {}

  take(module: object): unknown {
    const spare = this.spares.pop();
    if (!spare) return new WebAssembly.Instance(module, this.imports).exports;
    spare.reset();
    return spare;
  }

  give(ex: unknown): void {
    const r = ex as { memory: { buffer: ArrayBuffer }; reset(): void };
    if (
      this.spares.length < this.maxSpares &&
      r.memory.buffer.byteLength <= this.maxBytes &&
      !this.spares.includes(r)
    )
      this.spares.push(r);
  }
}

/** Spare instances kept at most, and their memory at most (main thread; a worker keeps one). */
const MAX_SPARES = 2;
export const MAX_SPARE_BYTES = 256 * 2 ** 20;
const pool = new InstancePool(KERNEL_IMPORTS, MAX_SPARES, MAX_SPARE_BYTES);

/**
 * Hand back an instance from {@link kernelInstance} once nothing reads its memory any more (no
 * view of it, no address in it is used after this): the next run on this thread reuses it. Its
 * memory is already mapped, where a fresh instance's is mapped page by page as the run first
 * touches it, which is slow on some machines (≈ 12 µs a page on this project's machine on 2026-12-02).
 * An instance not handed back is simply collected.
 */
export function releaseInstance(ex: KernelMemory): void {
  pool.give(ex);
}

/** The typed arrays handed to and from an instance. */
type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;

/**
 * Copy `array` into newly allocated memory of `ex`; returns its address. The copy stays put when
 * later allocations grow the memory (only views of the old buffer go stale).
 */
export function copyIn(ex: KernelMemory, array: TypedArray): number {
  const at = ex.alloc(array.byteLength);
  new Uint8Array(ex.memory.buffer, at, array.byteLength).set(
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength),
  );
  return at;
}

/** A copy (owning its memory) of `count` elements of type `Type` at address `at` of `ex`. */
export function copyOut<T extends TypedArray>(
  ex: KernelMemory,
  Type: new (buffer: ArrayBuffer, byteOffset: number, length: number) => T,
  at: number,
  count: number,
): T {
  return new Type(ex.memory.buffer, at, count).slice() as T;
}
