/**
 * Splatting spots into a depth (or coagulation) raster over the area's bounding box, with the
 * area's stats gathered band by band. Big rasters use every core: pool workers (src/parallel/)
 * claim row bands of one SharedArrayBuffer; each band is splatted by one thread in spot
 * order, so results are bit-identical whatever the thread count.
 */
import { availableParallelism } from "node:os";
import type { Area } from "../area/types.js";
import { PlanError } from "../errors.js";
import { ask, prestartWorkers } from "../parallel/pool.js";
import { releaseInstance, takeInstance, wasmModule } from "../wasm/module.js";
import type { DoseModel } from "./ablation.js";
import {
  type BandJob,
  type BandResult,
  bandsLeft,
  emptyBandResult,
  HIST_BINS,
  MODE_DISC_ADD,
  MODE_DISC_MAX,
  MODE_GAUSS_LINEAR,
  MODE_GAUSS_LOG,
  reportBandProgress,
  runBands,
} from "./bands.js";
import type { Raster } from "./raster.js";
import { type DoseStats, finishStats, levelBits } from "./stats.js";

export { closeWorkers, prestartWorkers } from "../parallel/pool.js";

/** Pixels per band buffer (1 MiB of float32: stays in cache while its stats are gathered). */
const BAND_PIXELS = 1 << 18;
/** Rasters smaller than this many pixels run on one thread (a worker costs ~30 ms to start). */
const SMALL_RASTER_PIXELS = 1 << 22;
/** Default memory limit for rasters, MB. */
export const DEFAULT_MAX_MEMORY_MB = 4096;
const BYTES_PER_MB = 1 << 20;
const MM_PER_UM = 1e-3;

/** Spot centres (mm) and pulses per spot (a number: the same for all). */
export interface SpotInput {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly count: number;
}

/** Options of {@link splatDose}. */
export interface SplatOptions {
  /** Worker threads including the main one; default: all cores for big rasters, 1 for small. */
  threads?: number;
  /** Keep (and return) the whole raster; false gathers the stats only. */
  keep?: boolean;
  /** Levels, µm, to count pixels at or above (ablated fraction, contours). */
  levels?: readonly number[];
  /** Refuse runs whose rasters need more than this, MB (2^20 bytes). */
  maxMemoryMb?: number;
  /** Extra bytes the caller will allocate (e.g. a derived coagulation raster), for the guard. */
  extraBytes?: number;
  /**
   * Work for the main thread while the workers splat (e.g. the firing order and heat index);
   * the main thread joins the splat when it returns.
   */
  whileSplatting?: () => void;
  /**
   * Band sink: splat the raster one window of bands at a time into a small reused buffer and
   * hand each finished window here, the top window first (`rows` holds `nRows` rows in memory
   * order, row 0 = raster row `row0`; valid until the promise resolves). The whole raster is
   * never held (`keep` is ignored) and the memory guard counts the window only.
   */
  sink?: (rows: Float32Array, row0: number, nRows: number) => Promise<void> | void;
  /** Pixels of a band sink's window (default 2^24; rounded to whole bands, at least one). */
  sinkWindowPixels?: number;
  /**
   * Firing order (spot indices) and first-pulse times (ms, in firing order), and the ms between
   * a spot's stacked pulses: required by a model with a re-hit table (docs/rehit.md), unused
   * otherwise.
   */
  firing?: Firing;
}

/** When each spot fires: what re-hit efficiency needs (a built scan has `order` and `tMs`). */
export interface Firing {
  readonly order: ArrayLike<number>;
  readonly tMs: ArrayLike<number>;
  readonly periodMs: number;
}

/** Pixels of a band sink's window (64 MiB of float32). */
const SINK_WINDOW_PIXELS = 1 << 24;

/** A raster's size over an area at a pixel size. */
export function rasterSize(area: Area, pixelUm: number): { width: number; height: number; pixMm: number } {
  const pixMm = pixelUm * MM_PER_UM;
  // 1e-9 keeps 100 mm / 0.01 mm at 10000 pixels despite rounding.
  const width = Math.max(1, Math.ceil((area.maxX - area.minX) / pixMm - 1e-9));
  const height = Math.max(1, Math.ceil((area.maxY - area.minY) / pixMm - 1e-9));
  return { width, height, pixMm };
}

/** Rows per band for a raster width (never depends on the thread count). */
export function bandRowsFor(width: number): number {
  return Math.max(4, Math.ceil(BAND_PIXELS / width));
}

/**
 * Bytes the rasters of a run will need: the whole raster when kept, one band buffer and one
 * histogram per thread, plus `extraBytes`.
 */
export function rasterBytes(
  width: number,
  height: number,
  keep: boolean,
  threads: number,
  extraBytes = 0,
): number {
  const band = Math.min(height, bandRowsFor(width)) * width * 4;
  return (keep ? width * height * 4 : 0) + threads * (band + HIST_BINS * 4) + extraBytes;
}

/** Refuse a run that needs more than `maxMemoryMb` for its rasters. */
export function checkMemory(bytes: number, maxMemoryMb: number, width: number, height: number): void {
  if (bytes > maxMemoryMb * BYTES_PER_MB) {
    const needMb = Math.ceil(bytes / BYTES_PER_MB);
    throw new PlanError(
      "--max-memory-mb",
      maxMemoryMb,
      `the rasters (${width} × ${height} pixels) need ${needMb} MB; allowed: at least ${needMb}, or a larger raster.pixelUm (--pixel-um)`,
    );
  }
}

/** The inside pixel runs [a, b) of every row (pixel centres inside the area). */
export function insideRuns(
  area: Area,
  width: number,
  height: number,
  pixMm: number,
): { spanStart: Int32Array; spanPix: Int32Array; insidePixels: number } {
  const spanStart = new Int32Array(new SharedArrayBuffer((height + 1) * 4));
  let spanPix = new Int32Array(Math.max(16, height * 2));
  const tmp = new Float64Array(Math.max(2, area.maxSpanValues));
  let n = 0;
  let inside = 0;
  for (let j = 0; j < height; j++) {
    spanStart[j] = n;
    const m = area.spans(area.minY + (j + 0.5) * pixMm, tmp);
    for (let s = 0; s + 1 < m; s += 2) {
      let a = Math.ceil((tmp[s] - area.minX) / pixMm - 0.5);
      let b = Math.ceil((tmp[s + 1] - area.minX) / pixMm - 0.5);
      if (a < 0) a = 0;
      if (b > width) b = width;
      if (b <= a) continue;
      if (n + 2 > spanPix.length) {
        const grown = new Int32Array(spanPix.length * 2);
        grown.set(spanPix);
        spanPix = grown;
      }
      spanPix[n++] = a;
      spanPix[n++] = b;
      inside += b - a;
    }
  }
  spanStart[height] = n;
  const shared = new Int32Array(new SharedArrayBuffer(Math.max(4, n * 4)));
  shared.set(spanPix.subarray(0, n));
  return { spanStart, spanPix: shared, insidePixels: inside };
}

/** Footprint mode and parameters (see {@link BandJob}). */
interface FootprintParams {
  mode: number;
  k2: number;
  f0: number;
  fth: number;
  scale: number;
  radiusMm: number;
}

/** Footprint mode and parameters for a dose model. */
function footprintParams(model: DoseModel): FootprintParams {
  const wMm = model.beam.radiusUm * MM_PER_UM;
  const fth = model.thresholdJcm2;
  if (model.kind === "nonablative")
    return {
      mode: MODE_DISC_MAX,
      k2: 0,
      f0: 0,
      fth,
      scale: model.columnDepthUm,
      radiusMm: model.columnRadiusUm * MM_PER_UM,
    };
  if (model.beam.profile === "tophat")
    return { mode: MODE_DISC_ADD, k2: 0, f0: 0, fth, scale: model.peakDepthUm, radiusMm: wMm };
  const k2 = 2 / (wMm * wMm);
  const radiusMm = model.craterRadiusUm * MM_PER_UM;
  if (model.law === "log")
    return {
      mode: MODE_GAUSS_LOG,
      k2,
      f0: Math.log(model.beam.peakFluenceJcm2 / model.thresholdJcm2),
      fth,
      scale: model.scaleUm,
      radiusMm,
    };
  return { mode: MODE_GAUSS_LINEAR, k2, f0: model.beam.peakFluenceJcm2, fth, scale: model.scaleUm, radiusMm };
}

/** LASERSCAN_TIMING=1 prints phase times (ms since the process started) to stderr. */
const TIMING = process.env.LASERSCAN_TIMING !== undefined && process.env.LASERSCAN_TIMING !== "0";

/** Print `label` with the time since the process started, when LASERSCAN_TIMING is set. */
export function timingMark(label: string, atMs = performance.now()): void {
  if (TIMING) {
    // Minor page faults so far (the whole process): fresh memory is mapped page by page, and on
    // some machines that is a large part of a run.
    const faults = process.resourceUsage().minorPageFault;
    process.stderr.write(
      `laserscan timing: ${atMs.toFixed(1).padStart(8)} ms ${String(faults).padStart(7)} faults  ${label}\n`,
    );
  }
}

/** Threads to use for a raster of `pixels`: `requested` if given, else cores for big rasters. */
export function threadsFor(pixels: number, requested?: number): number {
  if (requested !== undefined) return Math.max(1, Math.floor(requested));
  return pixels < SMALL_RASTER_PIXELS ? 1 : availableParallelism();
}

/** A splat's raster (when kept) and the area's stats of it. */
export interface SplatResult {
  raster?: Raster;
  stats: DoseStats;
  width: number;
  height: number;
  /** With a re-hit table: mean depth over the area lost to re-hits, µm (docs/rehit.md). */
  reHitLossUm?: number;
}

/**
 * Splat `spots` (each with `pulses` pulses: one number for all, or one per spot) of a dose
 * model into a raster of `pixelUm` over `area`'s bounding box and gather its stats over the
 * area: depth for an ablative laser (pulses add), the coagulated column map for a non-ablative
 * one (max of overlapping columns); docs/model.md.
 */
export async function splatDose(
  spots: SpotInput,
  pulses: number | ArrayLike<number>,
  model: DoseModel,
  area: Area,
  pixelUm: number,
  opts: SplatOptions = {},
): Promise<SplatResult> {
  if (opts.sink) return splatToSink(spots, pulses, model, area, pixelUm, opts, opts.sink);
  const { width, height, pixMm } = rasterSize(area, pixelUm);
  const keep = opts.keep ?? true;
  const threads = threadsFor(width * height, opts.threads);
  const reHit = reHitSetup(model, spots.count, opts.firing);
  // Re-hit: two more band buffers per thread (last-ablation times, lost depth).
  const reHitBytes = reHitBufferBytes(reHit, threads, width, height);
  checkMemory(
    rasterBytes(width, height, keep, threads, (opts.extraBytes ?? 0) + reHitBytes),
    opts.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB,
    width,
    height,
  );
  // Workers boot while the job is prepared.
  if (threads > 1) prestartWorkers(threads - 1);
  const { job, insidePixels } = prepareJob(
    spots,
    pulses,
    footprintParams(model),
    area,
    width,
    height,
    pixMm,
    keep,
    opts.levels ?? [],
    reHit,
    opts.firing,
  );
  timingMark(`splat job ready: ${width} × ${height} px, ${job.nBands} bands, ${threads} thread(s)`);
  const results: Promise<BandResult>[] = [];
  for (let t = 0; t < threads - 1; t++) results.push(ask(t, { kind: "bands", job }));
  opts.whileSplatting?.();
  const mine = emptyBandResult(job.levelBits.length);
  if (bandsLeft(job)) {
    const instance = takeInstance();
    runBands(job, mine, instance);
    releaseInstance(instance);
  }
  const all = [mine, ...(await Promise.all(results))];
  const at = (ms: number) => ms - performance.timeOrigin;
  for (const [t, r] of all.entries()) {
    const who = t === 0 ? "main" : `worker ${t}`;
    if (r.bands === 0) timingMark(`${who}: no band left to splat`);
    else {
      timingMark(`${who} splat starts (${r.bands} bands)`, at(r.startMs));
      timingMark(`${who} splat ends`, at(r.endMs));
    }
  }
  const stats = finishStats(all, job.bandSum, insidePixels, opts.levels ?? []);
  const raster: Raster | undefined = job.raster
    ? { data: job.raster, width, height, pixelUm, originMm: [area.minX, area.minY] }
    : undefined;
  const reHitLossUm = meanReHitLoss(job, insidePixels);
  return reHitLossUm === undefined
    ? { raster, stats, width, height }
    : { raster, stats, width, height, reHitLossUm };
}

/** Bytes of the re-hit buffers (last-ablation times, lost depth): two bands' worth per thread. */
function reHitBufferBytes(reHit: BandJob["reHit"], threads: number, width: number, height: number): number {
  return reHit ? threads * 2 * Math.min(height, bandRowsFor(width)) * width * 4 : 0;
}

/** Mean depth lost to re-hits over the inside pixels, µm; undefined without a re-hit table. */
function meanReHitLoss(job: BandJob, insidePixels: number): number | undefined {
  if (job.bandLoss === null) return undefined;
  let loss = 0;
  for (let b = 0; b < job.bandLoss.length; b++) loss += job.bandLoss[b];
  return insidePixels > 0 ? loss / insidePixels : 0;
}

/**
 * The splat's re-hit set-up for an ablative model with a re-hit table (null otherwise): the
 * spots' first-pulse times by spot index and the table as two arrays.
 */
function reHitSetup(model: DoseModel, n: number, firing: Firing | undefined): BandJob["reHit"] {
  const table = model.reHit;
  if (model.kind !== "ablative" || table === undefined || table.length === 0) return null;
  // A user's library call without firing times is a user mistake (exit 2 in the CLI), not a bug.
  if (firing === undefined)
    throw new PlanError(
      "firing",
      undefined,
      "required for a laser with a re-hit table (laser.reHit, docs/rehit.md): the spots' firing order and first-pulse times, e.g. a built scan's order and tMs",
    );
  if (firing.order.length !== n || firing.tMs.length !== n)
    throw new PlanError(
      "firing",
      `${firing.order.length} order and ${firing.tMs.length} time entries`,
      `allowed: one order entry and one first-pulse time per spot (${n})`,
    );
  const spotT = new Float64Array(new SharedArrayBuffer(Math.max(8, n * 8)));
  for (let f = 0; f < n; f++) spotT[firing.order[f]] = firing.tMs[f];
  return {
    spotT,
    periodMs: firing.periodMs,
    intervalsMs: Float64Array.from(table, (r) => r[0]),
    efficiency: Float64Array.from(table, (r) => r[1]),
  };
}

/** {@link splatDose} with a band sink: windows of bands, top first, into one reused buffer. */
async function splatToSink(
  spots: SpotInput,
  pulses: number | ArrayLike<number>,
  model: DoseModel,
  area: Area,
  pixelUm: number,
  opts: SplatOptions,
  sink: (rows: Float32Array, row0: number, nRows: number) => Promise<void> | void,
): Promise<SplatResult> {
  const { width, height, pixMm } = rasterSize(area, pixelUm);
  const threads = threadsFor(width * height, opts.threads);
  const bandRows = bandRowsFor(width);
  const bandsPerWindow = Math.max(
    1,
    Math.floor((opts.sinkWindowPixels ?? SINK_WINDOW_PIXELS) / (bandRows * width)),
  );
  const windowRows = Math.min(height, bandsPerWindow * bandRows);
  const reHit = reHitSetup(model, spots.count, opts.firing);
  const reHitBytes = reHitBufferBytes(reHit, threads, width, height);
  checkMemory(
    rasterBytes(width, height, false, threads, (opts.extraBytes ?? 0) + reHitBytes) + windowRows * width * 4,
    opts.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB,
    width,
    height,
  );
  if (threads > 1) prestartWorkers(threads - 1);
  const levels = opts.levels ?? [];
  const { job, insidePixels } = prepareJob(
    spots,
    pulses,
    footprintParams(model),
    area,
    width,
    height,
    pixMm,
    false,
    levels,
    reHit,
    opts.firing,
  );
  const window = new Float32Array(new SharedArrayBuffer(windowRows * width * 4));
  const all: BandResult[] = [];
  let whileSplatting = opts.whileSplatting;
  let bandsDone = 0;
  for (
    let b0 = Math.floor((job.nBands - 1) / bandsPerWindow) * bandsPerWindow;
    b0 >= 0;
    b0 -= bandsPerWindow
  ) {
    const b1 = Math.min(job.nBands, b0 + bandsPerWindow);
    const counter = new Int32Array(new SharedArrayBuffer(4));
    counter[0] = b0;
    const part: BandJob = { ...job, nBands: b1, counter, raster: window, rasterRow0: b0 * bandRows };
    const results: Promise<BandResult>[] = [];
    for (let t = 0; t < threads - 1; t++) results.push(ask(t, { kind: "bands", job: part }));
    whileSplatting?.();
    whileSplatting = undefined;
    const mine = emptyBandResult(part.levelBits.length);
    if (bandsLeft(part)) {
      const instance = takeInstance();
      runBands(part, mine, instance);
      releaseInstance(instance);
    }
    all.push(mine, ...(await Promise.all(results)));
    const row0 = b0 * bandRows;
    const nRows = Math.min(height, b1 * bandRows) - row0;
    await sink(window.subarray(0, nRows * width), row0, nRows);
    window.fill(0);
    bandsDone += b1 - b0;
    reportBandProgress(bandsDone, job.nBands);
  }
  timingMark(`splat to sink: ${width} × ${height} px, ${job.nBands} bands, ${threads} thread(s)`);
  const stats = finishStats(all, job.bandSum, insidePixels, levels);
  const reHitLossUm = meanReHitLoss(job, insidePixels);
  return reHitLossUm === undefined ? { stats, width, height } : { stats, width, height, reHitLossUm };
}

/** Splat and return the raster only (see {@link splatDose}). */
export async function splatDepth(
  spots: SpotInput,
  pulses: number | ArrayLike<number>,
  model: DoseModel,
  area: Area,
  pixelUm: number,
  opts: SplatOptions = {},
): Promise<Raster> {
  const r = await splatDose(spots, pulses, model, area, pixelUm, { ...opts, keep: true });
  return r.raster as Raster;
}

function prepareJob(
  spots: SpotInput,
  pulses: number | ArrayLike<number>,
  p: FootprintParams,
  area: Area,
  width: number,
  height: number,
  pixMm: number,
  keep: boolean,
  levels: readonly number[],
  reHit: BandJob["reHit"],
  firing: Firing | undefined,
): { job: BandJob; insidePixels: number } {
  const bandRows = bandRowsFor(width);
  const nBands = Math.ceil(height / bandRows);
  const lists = spotsByBand(
    spots,
    pulses,
    p,
    area,
    width,
    height,
    pixMm,
    bandRows,
    nBands,
    reHit ? firing?.order : undefined,
  );
  const { spanStart, spanPix, insidePixels } = insideRuns(area, width, height, pixMm);
  const job: BandJob = {
    module: wasmModule(),
    mode: p.mode,
    width,
    height,
    bandRows,
    nBands,
    pixMm,
    k2: p.k2,
    f0: p.f0,
    fth: p.fth,
    scale: p.scale,
    radiusMm: p.radiusMm,
    ...lists,
    spanStart,
    spanPix,
    levelBits: levelBits(
      levels,
      new Uint32Array(new SharedArrayBuffer(Math.max(4, levels.length * 4)), 0, levels.length),
    ),
    raster: keep ? new Float32Array(new SharedArrayBuffer(width * height * 4)) : null,
    counter: new Int32Array(new SharedArrayBuffer(4)),
    bandSum: new Float64Array(new SharedArrayBuffer(nBands * 8)),
    reHit,
    bandLoss: reHit ? new Float64Array(new SharedArrayBuffer(nBands * 8)) : null,
  };
  return { job, insidePixels };
}

/**
 * The spots relative to the raster's corner (shared memory) and, per band, the spots whose
 * footprint reaches it (in spot order, or in firing order when `order` is given): band b's are
 * bandSpots[bandStart[b] .. bandStart[b + 1]).
 */
function spotsByBand(
  spots: SpotInput,
  pulses: number | ArrayLike<number>,
  p: FootprintParams,
  area: Area,
  width: number,
  height: number,
  pixMm: number,
  bandRows: number,
  nBands: number,
  order?: ArrayLike<number>,
): Pick<BandJob, "spotX" | "spotY" | "spotPulses" | "bandStart" | "bandSpots"> {
  const n = spots.count;
  const active = p.scale > 0 && p.radiusMm > 0;
  const spotX = new Float64Array(new SharedArrayBuffer(Math.max(8, n * 8)));
  const spotY = new Float64Array(new SharedArrayBuffer(Math.max(8, n * 8)));
  const spotPulses = new Float32Array(new SharedArrayBuffer(Math.max(4, n * 4)));
  const bandStart = new Int32Array(new SharedArrayBuffer((nBands + 1) * 4));
  const first = new Int32Array(n);
  const last = new Int32Array(n);
  const R = p.radiusMm;
  const x0 = area.minX;
  const y0 = area.minY;
  let total = 0;
  for (let k = 0; k < n; k++) {
    const x = spots.x[k] - x0;
    const y = spots.y[k] - y0;
    spotX[k] = x;
    spotY[k] = y;
    spotPulses[k] = typeof pulses === "number" ? pulses : pulses[k];
    let j0 = Math.floor((y - R) / pixMm);
    let j1 = Math.floor((y + R) / pixMm);
    if (j0 < 0) j0 = 0;
    if (j1 >= height) j1 = height - 1;
    const i0 = Math.floor((x - R) / pixMm);
    const i1 = Math.floor((x + R) / pixMm);
    if (!active || j0 > j1 || i1 < 0 || i0 >= width) {
      first[k] = 1;
      last[k] = 0;
      continue;
    }
    const b0 = (j0 / bandRows) | 0;
    const b1 = (j1 / bandRows) | 0;
    first[k] = b0;
    last[k] = b1;
    for (let b = b0; b <= b1; b++) bandStart[b + 1]++;
    total += b1 - b0 + 1;
  }
  for (let b = 0; b < nBands; b++) bandStart[b + 1] += bandStart[b];
  const bandSpots = new Uint32Array(new SharedArrayBuffer(Math.max(4, total * 4)));
  const fill = Int32Array.from(bandStart.subarray(0, nBands));
  if (order === undefined)
    for (let k = 0; k < n; k++) for (let b = first[k]; b <= last[k]; b++) bandSpots[fill[b]++] = k;
  else
    for (let f = 0; f < n; f++) {
      const k = order[f];
      for (let b = first[k]; b <= last[k]; b++) bandSpots[fill[b]++] = k;
    }
  return { spotX, spotY, spotPulses, bandStart, bandSpots };
}
