/**
 * NumPy `.npy` (format v1.0) for rasters (docs/formats.md): float32 little-endian, shape
 * (height, width), rows from the highest y down so `imshow` shows the map upright.
 */
import { readFileSync } from "node:fs";
import { endianness } from "node:os";
import type { Raster } from "../dose/raster.js";
import { PlanError } from "../errors.js";
import { noteInput, writeFileAtomic } from "./atomic.js";
import { MAX_MAP_PIXELS } from "./png16.js";

const MAGIC = "\x93NUMPY";
/** numpy pads the header so the data starts on a multiple of 64 bytes. */
const HEADER_ALIGN = 64;
const LITTLE_ENDIAN = endianness() === "LE";

/** The .npy header bytes for a float32 array of `height` × `width`. */
export function npyHeader(height: number, width: number): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${height}, ${width}), }`;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1;
  const pad = (HEADER_ALIGN - (unpadded % HEADER_ALIGN)) % HEADER_ALIGN;
  const text = `${dict}${" ".repeat(pad)}\n`;
  const out = new Uint8Array(MAGIC.length + 4 + text.length);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  out[6] = 1; // major version
  out[7] = 0;
  out[8] = text.length & 0xff;
  out[9] = text.length >> 8;
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

/** Bytes of row `j` (memory order, row 0 = lowest y) as little-endian float32. */
function rowBytes(r: Raster, j: number): Uint8Array {
  const row = r.data.subarray(j * r.width, (j + 1) * r.width);
  if (LITTLE_ENDIAN) return new Uint8Array(row.buffer, row.byteOffset, row.byteLength);
  const out = new Uint8Array(row.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < row.length; i++) view.setFloat32(i * 4, row[i], true);
  return out;
}

/** The whole .npy file as chunks (header, then rows from the highest y down). */
export function npyChunks(r: Raster): Uint8Array[] {
  const chunks: Uint8Array[] = [npyHeader(r.height, r.width)];
  for (let j = r.height - 1; j >= 0; j--) chunks.push(rowBytes(r, j));
  return chunks;
}

/** Write a raster as .npy, atomically. */
export function writeNpy(path: string, r: Raster): void {
  writeFileAtomic(path, npyChunks(r));
}

/**
 * Read a 2-D float32 (or float64) .npy written top row first into a {@link Raster} (row 0 =
 * lowest y). A .npy carries no pixel size or origin: pass them (defaults 1 µm, [0, 0]).
 * Every bound is checked before allocating: header inside the file, shape at least 1 × 1 and
 * at most {@link MAX_MAP_PIXELS} pixels, data complete; a value that is not finite (NaN, ±Inf,
 * or a float64 beyond float32's range) is refused with its row and column.
 */
export function readNpy(path: string, pixelUm = 1, originMm: readonly [number, number] = [0, 0]): Raster {
  noteInput(path, "<depth>");
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new PlanError(
      "npy",
      path,
      `the file cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  if (buf.length < 10 || buf.toString("latin1", 0, 6) !== MAGIC)
    throw new PlanError("npy", path, "allowed: a NumPy .npy file (magic \\x93NUMPY missing)");
  const major = buf[6];
  if (major < 1 || major > 3)
    throw new PlanError("npy", path, `allowed: .npy format version 1, 2 or 3 (this file says ${major})`);
  const start = major === 1 ? 10 : 12;
  if (buf.length < start) throw new PlanError("npy", path, "the file is truncated (inside its header)");
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  if (start + headerLen > buf.length)
    throw new PlanError("npy", path, `the file is truncated (its header claims ${headerLen} bytes)`);
  const header = buf.toString("latin1", start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shape = /'shape':\s*\((\d+),\s*(\d+),?\s*\)/.exec(header);
  if (!shape || fortran !== "False" || (descr !== "<f4" && descr !== "<f8"))
    throw new PlanError("npy", path, "allowed: a 2-D C-order little-endian float32 or float64 array");
  const height = Number(shape[1]);
  const width = Number(shape[2]);
  if (!(height >= 1 && width >= 1) || !Number.isSafeInteger(height) || !Number.isSafeInteger(width))
    throw new PlanError("npy shape", `(${shape[1]}, ${shape[2]})`, "allowed: a map of at least 1 × 1 pixels");
  if (width * height > MAX_MAP_PIXELS)
    throw new PlanError(
      "npy shape",
      `(${height}, ${width})`,
      `allowed: at most ${MAX_MAP_PIXELS} pixels (in ${path})`,
    );
  const dataStart = start + headerLen;
  const itemBytes = descr === "<f4" ? 4 : 8;
  if (buf.length < dataStart + width * height * itemBytes)
    throw new PlanError(
      "npy",
      path,
      `the file is truncated: shape ${height} × ${width} needs ${width * height * itemBytes} data bytes, it holds ${buf.length - dataStart}`,
    );
  const data = new Float32Array(width * height);
  const view = new DataView(buf.buffer, buf.byteOffset + dataStart);
  for (let j = 0; j < height; j++) {
    const src = (height - 1 - j) * width; // file row 0 is the highest y
    for (let i = 0; i < width; i++)
      data[j * width + i] =
        itemBytes === 4 ? view.getFloat32((src + i) * 4, true) : view.getFloat64((src + i) * 8, true);
  }
  for (let k = 0; k < data.length; k++)
    if (!Number.isFinite(data[k])) {
      const j = Math.floor(k / width);
      throw new PlanError(
        "npy",
        path,
        `allowed: finite depths; the value at row ${height - 1 - j}, column ${k - j * width} is ${data[k]}`,
      );
    }
  return { data, width, height, pixelUm, originMm: [originMm[0], originMm[1]] };
}
