/**
 * Safe file output (docs/robustness.md). A regular file is written to a temp file beside its
 * target and renamed over it, so a failed or interrupted run leaves no half-written file and
 * never clobbers a good one; temp files still open when the process is signalled are removed.
 * A character device (`/dev/null`) or a FIFO is written directly: renaming over it would
 * replace the device node or starve the pipe's reader. Other special files are refused, and so
 * is a path ending in "/". "-" is standard output, for text and JSON outputs only.
 *
 * During a CLI run ({@link startPathGuard}) every output path and every input file is claimed
 * with the flag that names it: the same file twice as an output, or an input given as an output,
 * is refused (exit 2) naming both flags, before any work is done.
 */
import {
  closeSync,
  existsSync,
  openSync,
  realpathSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { PlanError, RunError } from "../errors.js";

/** The path meaning standard output. */
export const STDOUT_PATH = "-";

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

/** Install the temp-file clean-up on SIGINT / SIGTERM now (the CLI does it before any work). */
export function guardSignals(): void {
  installSignalHandlers();
}

// ---------------------------------------------------------------------------------------------
// Claims: which flag reads or writes which file during one CLI run.

interface Claim {
  flag: string;
  path: string;
  id: string;
  output: boolean;
}

let claims: Claim[] | undefined;

/** Start checking inputs and outputs against each other (one CLI run); clears earlier claims. */
export function startPathGuard(): void {
  claims = [];
}

/** Stop checking (tests). */
export function stopPathGuard(): void {
  claims = undefined;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** What identifies the file at `path`: its device and inode when it exists, else its real path. */
function identity(path: string): string {
  if (path === STDOUT_PATH) return "<stdout>";
  const abs = resolve(path);
  const st = statOrUndefined(abs);
  if (st) return `inode:${st.dev}:${st.ino}`;
  try {
    return `path:${join(realpathSync(dirname(abs)), basename(abs))}`;
  } catch {
    return `path:${abs}`;
  }
}

function shown(path: string): string {
  return path === STDOUT_PATH ? "standard output (-)" : JSON.stringify(path);
}

function claim(path: string, flag: string, output: boolean): void {
  if (!claims) return;
  const id = identity(path);
  const st = path === STDOUT_PATH ? undefined : statOrUndefined(path);
  // Several outputs may share a character device (/dev/null): nothing is lost.
  const shareable = output && st?.isCharacterDevice() === true;
  for (const c of claims) {
    if (c.id !== id || c.flag === flag) continue;
    if (!c.output && !output) continue; // one file read twice is fine
    if (shareable && c.output) continue;
    const [outFlag, otherFlag, other] = output ? [flag, c.flag, c] : [c.flag, flag, c];
    const otherIsInput = output ? !c.output : true;
    throw new PlanError(
      outFlag,
      output ? path : other.path,
      otherIsInput
        ? `it is also the input ${otherFlag} (${shown(output ? c.path : path)}); allowed: a different file (the input is never overwritten)`
        : `${otherFlag} writes the same file (${shown(c.path)}); allowed: a different file for each output`,
    );
  }
  claims.push({ flag, path, id, output });
}

/**
 * Note that `path` is read as an input named `flag` (e.g. "plan", "--merge"): refused when an
 * output claimed the same file. Does nothing outside a CLI run.
 */
export function noteInput(path: string, flag: string): void {
  claim(path, flag, false);
}

/**
 * Claim `path` as an output named `flag` when the caller checked the target itself (a .zarr
 * folder): refused when another flag reads or writes the same path.
 */
export function claimOutput(path: string, flag: string): void {
  claim(path, flag, true);
}

/** Has an output claimed standard output? Then the command's summary goes to stderr. */
export function stdoutClaimed(): boolean {
  return claims?.some((c) => c.output && c.id === "<stdout>") === true;
}

/** Where a command prints its summary: stdout, or stderr when an output ("-") holds stdout. */
export function summaryStream(): NodeJS.WriteStream {
  return stdoutClaimed() ? process.stderr : process.stdout;
}

/** Claim standard output for `flag` (e.g. "--json"): refused when an output "-" holds it. */
export function claimStdout(flag: string): void {
  claim(STDOUT_PATH, flag, true);
}

/** The kind of a special file, or undefined for a regular file. */
function specialKind(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return "a folder";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isFIFO()) return "a FIFO";
  if (st.isSocket()) return "a socket";
  if (st.isBlockDevice()) return "a block device";
  return "a special file";
}

/** True for targets written in place (no temp file): character devices and FIFOs. */
function writtenInPlace(st: Stats | undefined): boolean {
  return st !== undefined && (st.isCharacterDevice() || st.isFIFO());
}

/** Refuse what can never be an output file: "", a trailing "/", a folder, sockets, block devices. */
function checkTarget(path: string, flag: string, stdoutOk: boolean): Stats | undefined {
  if (path === "") throw new PlanError(flag, path, "allowed: a file path");
  if (path === STDOUT_PATH) {
    if (!stdoutOk)
      throw new PlanError(
        flag,
        path,
        "standard output (-) is only for text and JSON outputs; allowed: a file name for this binary output",
      );
    return undefined;
  }
  if (path.endsWith("/") || path.endsWith(sep) || basename(path) === "." || basename(path) === "..")
    throw new PlanError(flag, path, "allowed: a file path (a path ending in / names a folder)");
  const st = statOrUndefined(path);
  if (st) {
    const kind = specialKind(st);
    if (st.isDirectory()) throw new PlanError(flag, path, "allowed: a file path, not a folder");
    if (kind !== undefined && !writtenInPlace(st))
      throw new PlanError(
        flag,
        path,
        `it is ${kind}; allowed: a regular file, a character device (e.g. /dev/null) or a FIFO`,
      );
  }
  return st;
}

/**
 * Check that `path` can be written before any work is done: its folder exists, it is not a
 * folder nor a socket or block device, it does not end in "/", and (during a CLI run) no other
 * flag reads or writes it. `flag` names the option for the error message. With `stdout`, "-"
 * means standard output; otherwise "-" is refused (binary outputs).
 */
export function checkWritable(path: string, flag: string, opts: { stdout?: boolean } = {}): void {
  const st = checkTarget(path, flag, opts.stdout === true);
  if (path !== STDOUT_PATH && !st) {
    const dir = dirname(resolve(path));
    if (!existsSync(dir))
      throw new PlanError(flag, path, `the folder ${dir} does not exist; create it first`);
    if (!statSync(dir).isDirectory()) throw new PlanError(flag, path, `${dir} is not a folder`);
  }
  claim(path, flag, true);
}

/** Test hook: replaces `writeSync` of the write layer (to inject ENOSPC and the like). */
let writeChunk: (fd: number, buf: Uint8Array, off: number, len: number) => number = (fd, buf, off, len) =>
  writeSync(fd, buf, off, len);

/** Replace the low-level write (tests inject errors through it); returns the one it replaced. */
export function setWriteForTests(
  fn: (fd: number, buf: Uint8Array, off: number, len: number) => number,
): (fd: number, buf: Uint8Array, off: number, len: number) => number {
  const old = writeChunk;
  writeChunk = fn;
  return old;
}

/** A write failure as the user should read it: disk full, or the system's reason. */
function writeFailure(e: unknown, path: string): Error {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === "ENOSPC" || code === "EDQUOT") return new RunError(`disk full while writing ${path}`);
  if (code === "EFBIG") return new RunError(`file too large while writing ${path} (EFBIG)`);
  if (typeof code === "string") return new RunError(`cannot write ${path} (${code})`);
  return e as Error;
}

function chunksOf(data: string | Uint8Array | readonly (string | Uint8Array)[]): (string | Uint8Array)[] {
  return typeof data === "string" || data instanceof Uint8Array ? [data] : [...data];
}

function writeAll(fd: number, data: string | Uint8Array | readonly (string | Uint8Array)[]): void {
  for (const chunk of chunksOf(data)) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    let off = 0;
    while (off < buf.length) off += writeChunk(fd, buf, off, buf.length - off);
  }
}

/**
 * Write `data` (chunks are written in order) to `path`: atomically for a regular file, in
 * place for a character device or FIFO, to standard output for "-". A full disk is a
 * {@link RunError} ("disk full while writing <path>"); the old file stays and no temp file is left.
 */
export function writeFileAtomic(
  path: string,
  data: string | Uint8Array | readonly (string | Uint8Array)[],
): void {
  installSignalHandlers();
  if (path === STDOUT_PATH) {
    for (const chunk of chunksOf(data)) process.stdout.write(chunk);
    return;
  }
  const st = checkTarget(path, "output", false);
  const target = resolve(path);
  if (writtenInPlace(st)) {
    let fd: number;
    try {
      fd = openSync(target, "w");
    } catch (e) {
      throw writeFailure(e, path);
    }
    try {
      writeAll(fd, data);
    } catch (e) {
      throw writeFailure(e, path);
    } finally {
      closeSync(fd);
    }
    return;
  }
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
    throw writeFailure(e, path);
  }
  try {
    writeAll(fd, data);
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
    throw writeFailure(e, path);
  } finally {
    pending.delete(tmp);
  }
}
