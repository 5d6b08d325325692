/**
 * Atomic file output: every file is written to a temp file beside its target and
 * renamed over it, so a failed or interrupted run leaves no half-written file and never
 * clobbers a good one. Temp files still open when the process is signalled are removed.
 */
import { closeSync, existsSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { PlanError } from "../errors.js";

const pending = new Set<string>();
let handlersInstalled = false;

function removePending(): void {
  for (const p of pending) {
    try {
      unlinkSync(p);
    } catch {
      // already gone
    }
  }
  pending.clear();
}

function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.on(signal, () => {
      removePending();
      process.exit(code);
    });
  }
  process.on("exit", removePending);
}

/**
 * Check that `path` can be written (its folder exists and is a folder) before any work is
 * done; `flag` names the option for the error message.
 */
export function checkWritable(path: string, flag: string): void {
  const dir = dirname(resolve(path));
  if (!existsSync(dir)) throw new PlanError(flag, path, `the folder ${dir} does not exist; create it first`);
  if (!statSync(dir).isDirectory()) throw new PlanError(flag, path, `${dir} is not a folder`);
  if (existsSync(path) && statSync(path).isDirectory())
    throw new PlanError(flag, path, "allowed: a file path, not a folder");
}

/** Write `data` (chunks are written in order) to `path` atomically. */
export function writeFileAtomic(
  path: string,
  data: string | Uint8Array | readonly (string | Uint8Array)[],
): void {
  installSignalHandlers();
  const target = resolve(path);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  pending.add(tmp);
  let fd: number;
  try {
    fd = openSync(tmp, "w");
  } catch (e) {
    pending.delete(tmp);
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ENOENT")
      throw new PlanError("output", path, `the folder ${dirname(target)} does not exist`);
    if (err.code === "EACCES" || err.code === "EPERM" || err.code === "EROFS")
      throw new PlanError("output", path, `the folder ${dirname(target)} is not writable`);
    throw e;
  }
  try {
    const chunks = typeof data === "string" || data instanceof Uint8Array ? [data] : data;
    for (const chunk of chunks) {
      const buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    }
    // No fsync: the rename alone makes the file appear whole or not at all to any process
    // (an interrupted run); syncing a 400 MB depth map would cost seconds.
    closeSync(fd);
    renameSync(tmp, target);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // closed already
    }
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw e;
  } finally {
    pending.delete(tmp);
  }
}
