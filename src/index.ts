/**
 * laserscan as a library: the pipeline's steps, in the order a plan goes through them.
 *
 *   loadPlan / resolvePlan -> createArea -> generatePattern -> buildScan -> simulateSpots
 *
 * `simulatePlan` runs all of them at once. Rasters are plain `Float32Array`s with their shape
 * (`Raster`); `renderHeatmap` and the writers turn them into files. Bad input throws
 * `PlanError` (its message names the field, the value and what is allowed). See
 * docs/architecture.md for the data flow and docs/formats.md for every key and unit.
 */

export type { Area } from "./area/index.js";
export { createArea } from "./area/index.js";
export type { DoseModel } from "./dose/ablation.js";
export type { Raster } from "./dose/raster.js";
export type { Report } from "./dose/report.js";
export { formatReport } from "./dose/report.js";
export type { SimulateOptions, Simulation, SimulationInput } from "./dose/simulate.js";
export { scanSummary, scanSummaryWithBulk, simulatePlan, simulateSpots } from "./dose/simulate.js";
export type { SolveOptions, SolveResult } from "./dose/solve.js";
export { solvePlan } from "./dose/solve.js";
export { simulateTreatment } from "./dose/treatment.js";
export { PlanError } from "./errors.js";
export type { ScanBulkRise } from "./heat/bulk-rise.js";
export { scanBulkRise } from "./heat/bulk-rise.js";
export { scanCsvChunks } from "./io/csv.js";
export { galvoListChunks } from "./io/galvo.js";
export { readNpy, writeNpy } from "./io/npy.js";
export { readDepthPng, writeDepthPng } from "./io/png16.js";
export { readScanFile, scanFileJson } from "./io/scanfile.js";
export type { Spots } from "./pattern/index.js";
export { generatePattern } from "./pattern/index.js";
export type { LoadedPlan } from "./plan/load.js";
export { loadPlan, resolvePlan } from "./plan/load.js";
export { expandPasses } from "./plan/passes.js";
export type { AreaSpec, Laser, Plan, ResolvedPlan } from "./plan/schema.js";
export type { HeatmapOptions } from "./render/heatmap.js";
export { renderHeatmap } from "./render/heatmap.js";
export { renderPreview } from "./render/preview.js";
export type { Scan } from "./sequence/index.js";
export { buildScan } from "./sequence/index.js";
export type { Treatment } from "./sequence/treatment.js";
export { buildTreatment } from "./sequence/treatment.js";
