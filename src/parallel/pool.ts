/**
 * The process's worker threads: one pool of one worker program (src/parallel/worker.ts, which
 * runs every kind of job: splat bands, heat index blocks, Poisson strips, sweep variants).
 *
 * The workers run the built dist/parallel/worker.js, also when the caller is the TypeScript
 * source (vitest, tsx): a worker's path is fixed relative to this file (two folders up, then
 * dist/), so src/ and dist/ find the same file, Node starts it without a loader, and `npm test`
 * builds dist/ first. A worker runs its jobs in the order they are posted, so a heat job posted
 * while it splats starts when the splat's bands run out: the jobs share the cores and a process
 * never runs more threads than it has. A worker that dies is dropped from the pool and its
 * answered jobs fail; jobs that signal through shared arrays are waited for with a time limit.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { isMainThread, Worker } from "node:worker_threads";
import type { AnsweredKind, Answers, Envelope, Job, Reply } from "./jobs.js";

/** The worker program, built: dist/parallel/worker.js from src/parallel/ and dist/parallel/ alike. */
const WORKER_URL = new URL("../../dist/parallel/worker.js", import.meta.url);

interface Pending {
  resolve(answer: Answers[AnsweredKind]): void;
  reject(err: Error): void;
}

interface PoolWorker {
  worker: Worker;
  /** Answered jobs posted and not yet answered, by id. */
  pending: Map<number, Pending>;
}

const pool: PoolWorker[] = [];
let nextId = 1;

/** Whether this process can start workers (the worker program is built). */
export function workersAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

/**
 * Whether work may go to a pool worker by default: on the main thread with a core to spare
 * (inside a worker, e.g. one running a sweep variant, the cores are already busy).
 */
export function workersByDefault(): boolean {
  return isMainThread && availableParallelism() > 1;
}

function startWorker(): PoolWorker {
  if (!workersAvailable()) throw new Error(`${fileURLToPath(WORKER_URL)} is missing: run \`npm run build\``);
  const worker = new Worker(WORKER_URL);
  const entry: PoolWorker = { worker, pending: new Map() };
  worker.on("message", (reply: Reply) => {
    const p = entry.pending.get(reply.id);
    if (!p) return;
    entry.pending.delete(reply.id);
    if (entry.pending.size === 0) worker.unref();
    p.resolve(reply.answer);
  });
  const drop = (err: Error): void => {
    const at = pool.indexOf(entry);
    if (at >= 0) pool.splice(at, 1);
    for (const p of entry.pending.values()) p.reject(err);
    entry.pending.clear();
  };
  worker.on("error", drop);
  worker.on("exit", (code) => drop(new Error(`a worker thread stopped (exit code ${code})`)));
  // Idle, the worker must not keep the process alive (a script using a pooled function exits by
  // itself); `ask` refs it while an answer is awaited. Unref only after the listeners are on: a
  // "message" listener added to an unref'd worker refs its port again, and the process would wait.
  worker.unref();
  return entry;
}

/**
 * Start worker threads ahead of need (e.g. while modules load and the plan is parsed); they idle
 * unreferenced. Default: one per core besides the main thread.
 */
export function prestartWorkers(count = availableParallelism() - 1): void {
  while (pool.length < count) pool.push(startWorker());
}

/** Worker `index` of the pool (started, with the ones before it, if needed). */
function poolWorker(index: number): PoolWorker {
  prestartWorkers(index + 1);
  return pool[index];
}

/** Post a job that answers to worker `index`; resolves with its answer, rejects if the worker dies. */
export function ask<K extends AnsweredKind>(
  index: number,
  job: Extract<Job, { kind: K }>,
): Promise<Answers[K]> {
  const entry = poolWorker(index);
  const id = nextId++;
  return new Promise((resolve, reject) => {
    entry.pending.set(id, { resolve: resolve as (a: Answers[AnsweredKind]) => void, reject });
    entry.worker.ref();
    entry.worker.postMessage({ id, job } satisfies Envelope);
  });
}

/**
 * Post a job that answers through its shared arrays (heat blocks, a Poisson strip, bulk-rise terms or blocks) to worker
 * `index`; the poster waits on those arrays with a time limit.
 */
export function post(
  index: number,
  job: Extract<Job, { kind: "heat" | "poisson" | "far" | "recent" }>,
): void {
  poolWorker(index).worker.postMessage({ id: 0, job } satisfies Envelope);
}

/** Terminate the worker threads (the CLI calls this so the process exits at once). */
export async function closeWorkers(): Promise<void> {
  const all = pool.splice(0, pool.length);
  if (all.length === 0) return;
  // A timer holds the event loop open while they stop: a terminating worker does not (even
  // ref'd), and when this runs after an error (a worker still busy on a heat job), Node would
  // otherwise exit with code 13 mid-await and the error would never be printed.
  const hold = setInterval(() => {}, 1000);
  try {
    await Promise.all(all.map((w) => w.worker.terminate()));
  } finally {
    clearInterval(hold);
  }
}
