/**
 * Loading the WebAssembly module of laserscan's hot loops (assembly/, built by `npm run build`
 * into dist/wasm/kernels.wasm) and handing out instances of it. Only the facades in this folder
 * (one per assembly file: splat.ts, heat-grid.ts, heat-exact.ts, poisson.ts, scan.ts) allocate in
 * an instance's memory or copy to and from it; everything else calls the facades.
 *
 * The module is compiled once per process and posted to workers with their jobs. Every run gets
 * an instance with zeroed memory: a new one, or one a finished run handed back (its memory is
 * already mapped, where a fresh one's is mapped page by page as the run first touches it).
 */
import { readFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";

/** dist/wasm/kernels.wasm, two folders up from src/wasm/module.ts and from dist/wasm/module.js alike. */
const WASM_URL = new URL("../../dist/wasm/kernels.wasm", import.meta.url);

// Node has WebAssembly; TypeScript's ES2022 lib does not declare it: the little used here.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  compile(bytes: Uint8Array): Promise<object>;
};

/** A compiled module (a WebAssembly.Module: it can be posted to workers). */
export type WasmModule = object;

let compiled: WasmModule | undefined;

function wasmBytes(): Buffer {
  try {
    return readFileSync(WASM_URL);
  } catch {
    throw new Error(`${WASM_URL.pathname} is missing: run \`npm run build\``);
  }
}

/** The compiled module of this process. */
export function wasmModule(): WasmModule {
  compiled ??= new WebAssembly.Module(wasmBytes());
  return compiled;
}

/**
 * Start compiling the module in the background (the CLI calls this while its modules load):
 * {@link wasmModule} then finds it ready instead of compiling on the spot.
 */
export function precompileWasm(): void {
  if (compiled) return;
  WebAssembly.compile(wasmBytes()).then(
    (m) => {
      compiled ??= m;
    },
    () => {
      // wasmModule() compiles, and reports any problem, on first use
    },
  );
}

/**
 * An instance's exports as the facades see them: its memory, the bump allocator and `reset`
 * (assembly/memory.ts), and the functions of the assembly files (typed by each facade).
 */
export interface WasmInstance {
  memory: { buffer: ArrayBuffer };
  alloc(bytes: number): number;
  reset(): void;
}

/**
 * What the module imports: `abort` (AssemblyScript's) and `outOfMemory`, called by its allocator
 * before it traps (assembly/memory.ts): the run stops with this line instead of "unreachable".
 */
const IMPORTS = {
  env: {
    abort(): never {
      throw new Error("laserscan WebAssembly module aborted");
    },
    outOfMemory(bytes: number, inUse: number): never {
      const mb = (b: number) => `${Math.ceil(b / 2 ** 20)} MB`;
      throw new Error(
        `a WebAssembly run ran out of memory: it asked for ${mb(bytes)} with ${mb(inUse)} in use, and one instance holds at most 4096 MB (a smaller run, e.g. fewer spots or a larger raster.pixelUm, fits)`,
      );
    },
  },
};

/** Spare instances kept at most (a worker keeps one), and their memory at most. */
const MAX_SPARES = isMainThread ? 2 : 1;
const MAX_SPARE_BYTES = 256 * 2 ** 20;
const spares: WasmInstance[] = [];

/**
 * An instance of `module` (default: this process's) with zeroed memory: a spare handed back by
 * {@link releaseInstance} (its allocator reset, the memory it used zeroed) or a new one. One
 * module serves every job, so any spare serves any caller.
 */
export function takeInstance(module: WasmModule = wasmModule()): WasmInstance {
  const spare = spares.pop();
  if (!spare) return new WebAssembly.Instance(module, IMPORTS).exports as WasmInstance;
  spare.reset();
  return spare;
}

/**
 * Hand back an instance from {@link takeInstance} once nothing reads its memory any more (no
 * view of it, no address in it is used after this). An instance not handed back is collected.
 */
export function releaseInstance(ex: WasmInstance): void {
  if (spares.length < MAX_SPARES && ex.memory.buffer.byteLength <= MAX_SPARE_BYTES && !spares.includes(ex))
    spares.push(ex);
}

/** The typed arrays handed to and from an instance. */
export type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;

/**
 * Copy `array` into newly allocated memory of `ex`; returns its address. The copy stays put when
 * later allocations grow the memory (only views of the old buffer go stale).
 */
export function copyIn(ex: WasmInstance, array: TypedArray): number {
  const at = ex.alloc(array.byteLength);
  new Uint8Array(ex.memory.buffer, at, array.byteLength).set(
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength),
  );
  return at;
}

/** A copy (owning its memory) of `count` elements of type `Type` at address `at` of `ex`. */
export function copyOut<T extends TypedArray>(
  ex: WasmInstance,
  Type: new (buffer: ArrayBuffer, byteOffset: number, length: number) => T,
  at: number,
  count: number,
): T {
  return new Type(ex.memory.buffer, at, count).slice() as T;
}

/** A view (not a copy) of `count` elements at `at`: valid until the next allocation grows the memory. */
export function view<T extends TypedArray>(
  ex: WasmInstance,
  Type: new (buffer: ArrayBuffer, byteOffset: number, length: number) => T,
  at: number,
  count: number,
): T {
  return new Type(ex.memory.buffer, at, count);
}

/** `ex`'s exports typed as `T` (each facade declares the functions of its assembly file). */
export function exportsOf<T>(ex: WasmInstance): T & WasmInstance {
  return ex as T & WasmInstance;
}
