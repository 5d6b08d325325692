/**
 * `sweep` as a library: parse `--vary key=v1,v2,...` (vary.ts), pick a shard (shard.ts),
 * validate every variant before any runs (prepare.ts), simulate them on every core (run.ts) and
 * flatten the reports into rows whose columns are the varied keys and the report values under
 * dotted names (table.ts, csv.ts, chart.ts).
 */

export { prefixed, prepareSweep, type SweepPlan, type Variant } from "./prepare.js";
export { type RunOptions, runSweep, type SweepRow, sweepWorkersAvailable } from "./run.js";
export { parseShard, type Shard, shardIndices } from "./shard.js";
export {
  BULK_RISE_COLUMNS,
  checkMetric,
  DEFAULT_METRIC,
  formatSweepTable,
  isBulkRiseMetric,
  METRICS,
  REPORT_COLUMNS,
  reportCell,
  reportColumns,
  sweepJson,
  sweepTable,
  TABLE_COLUMNS,
} from "./table.js";
export {
  checkVaryKey,
  crossProduct,
  parseVary,
  parseVaryValue,
  planKeys,
  type VarySpec,
  type VaryValue,
} from "./vary.js";
