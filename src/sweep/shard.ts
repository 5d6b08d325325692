/** `--shard K/N`: which variants of a sweep one process (e.g. one job of a Slurm array) runs. */
import { PlanError } from "../errors.js";

/** `--shard K/N`: 1-based K of N. */
export interface Shard {
  k: number;
  n: number;
}

/** Parse `--shard K/N` (1 ≤ K ≤ N). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const k = m ? Number(m[1]) : Number.NaN;
  const n = m ? Number(m[2]) : Number.NaN;
  if (!m || !(n >= 1) || !(k >= 1) || k > n)
    throw new PlanError(
      "--shard",
      text,
      "allowed: K/N with 1 ≤ K ≤ N, e.g. 2/4 (K is 1-based, as a Slurm array index)",
    );
  return { k, n };
}

/** Variant indices of shard K of N among `total`: every N-th, starting at K − 1 (round-robin). */
export function shardIndices(total: number, shard?: Shard): number[] {
  const out: number[] = [];
  const step = shard?.n ?? 1;
  for (let i = (shard?.k ?? 1) - 1; i < total; i += step) out.push(i);
  return out;
}
