/**
 * 16-bit grayscale PNG depth maps (docs/formats.md): depth = count × umPerCount, the scale stored in a
 * tEXt chunk with key `umPerCount` and a bare decimal as text. Rows from the highest y down.
 * Encoded here with node:zlib (pngjs has no 16-bit gray writer nor tEXt access).
 */
import { readFileSync } from "node:fs";
import { deflateSync, inflateSync } from "node:zlib";
import type { Raster } from "../dose/raster.js";
import { PlanError } from "../errors.js";
import { parseDecimal } from "../guard/number.js";
import { noteInput, writeFileAtomic } from "./atomic.js";

const SIGNATURE = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);
/** Largest 16-bit count. */
const MAX_COUNT = 65535;
/** tEXt key holding the scale (docs/formats.md). */
export const SCALE_KEY = "umPerCount";
/** Significant digits of the scale (rounded up so the maximum still fits). */
const SCALE_DIGITS = 3;
/** Scale used for an all-zero map, µm per count. */
const ZERO_MAP_SCALE = 0.001;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (PNG, ISO 3309) of `bytes`. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A decimal string without exponent for a positive number. */
export function bareDecimal(v: number): string {
  const s = String(v);
  if (!/e/i.test(s)) return s;
  const digits = Math.min(100, Math.max(0, -Math.floor(Math.log10(v)) + SCALE_DIGITS + 2));
  return v.toFixed(digits).replace(/0+$/, "").replace(/\.$/, "");
}

/** The scale, µm per count, for a map whose maximum is `maxUm`: max/65535 rounded up to 3 digits. */
export function scaleFor(maxUm: number): number {
  if (!(maxUm > 0)) return ZERO_MAP_SCALE;
  const raw = maxUm / MAX_COUNT;
  const e = Math.floor(Math.log10(raw)) - (SCALE_DIGITS - 1);
  const unit = 10 ** e;
  let s = Math.ceil(raw / unit - 1e-9) * unit;
  s = Number(s.toPrecision(SCALE_DIGITS));
  while (maxUm / s > MAX_COUNT + 0.5) s = Number((s + unit).toPrecision(SCALE_DIGITS));
  return s;
}

/** Encode a raster as a 16-bit grayscale PNG; returns the bytes and the scale used. */
export function encodeDepthPng(r: Raster, umPerCount?: number): { bytes: Uint8Array[]; umPerCount: number } {
  const { width, height, data } = r;
  let max = 0;
  for (let p = 0; p < data.length; p++) if (data[p] > max) max = data[p];
  const scale = umPerCount ?? scaleFor(max);
  const inv = 1 / scale;
  const stride = 1 + 2 * width;
  const raw = new Uint8Array(stride * height);
  const prev = new Uint16Array(width);
  for (let jOut = 0; jOut < height; jOut++) {
    const j = height - 1 - jOut; // highest y first
    const o = jOut * stride;
    raw[o] = jOut === 0 ? 0 : 2; // filter: None for the first row, Up after (smooth maps compress well)
    const src = j * width;
    for (let i = 0; i < width; i++) {
      let c = Math.round(data[src + i] * inv);
      if (!(c > 0)) c = 0;
      else if (c > MAX_COUNT) c = MAX_COUNT;
      // PNG filters work on bytes: Up subtracts each byte from the byte above, modulo 256.
      const hi = c >> 8;
      const lo = c & 0xff;
      const p = prev[i];
      raw[o + 1 + 2 * i] = jOut === 0 ? hi : (hi - (p >> 8)) & 0xff;
      raw[o + 2 + 2 * i] = jOut === 0 ? lo : (lo - (p & 0xff)) & 0xff;
      prev[i] = c;
    }
  }
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  ihdr[8] = 16; // bit depth
  ihdr[9] = 0; // grayscale
  const text = Buffer.from(`${SCALE_KEY}\0${bareDecimal(scale)}`, "latin1");
  return {
    bytes: [
      SIGNATURE,
      chunk("IHDR", ihdr),
      chunk("tEXt", text),
      chunk("IDAT", deflateSync(raw, { level: 6 })),
      chunk("IEND", new Uint8Array(0)),
    ],
    umPerCount: scale,
  };
}

/** Write a raster as a 16-bit grayscale PNG (atomically); returns the scale, µm per count. */
export function writeDepthPng(path: string, r: Raster, umPerCount?: number): number {
  const enc = encodeDepthPng(r, umPerCount);
  writeFileAtomic(path, enc.bytes);
  return enc.umPerCount;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Largest depth map read, pixels (1 GB of float32): bounds the allocation before reading. */
export const MAX_MAP_PIXELS = 250_000_000;

/** Channels per PNG colour type (PNG spec, IHDR). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Allowed bit depths per colour type. */
const DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
/** Adam7 passes: x0, y0, dx, dy. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** A PNG whose structure has been checked: every chunk in bounds with a good CRC, data complete. */
export interface CheckedPng {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  /** The inflated image data (filter byte + scanline per row, per pass when interlaced). */
  raw: Buffer;
  /** tEXt entries, key → text. */
  text: Map<string, string>;
}

/** The scanlines of an image as [rows, bytes per row] per pass (one pass unless interlaced). */
function scanlines(
  width: number,
  height: number,
  bitsPerPixel: number,
  interlace: number,
): [number, number][] {
  if (interlace === 0) return [[height, Math.ceil((width * bitsPerPixel) / 8)]];
  const passes: [number, number][] = [];
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = width > x0 ? Math.ceil((width - x0) / dx) : 0;
    const h = height > y0 ? Math.ceil((height - y0) / dy) : 0;
    if (w > 0 && h > 0) passes.push([h, Math.ceil((w * bitsPerPixel) / 8)]);
  }
  return passes;
}

/**
 * Check a PNG's structure before any pixel is decoded: signature, every chunk inside the file
 * with a correct CRC, a 13-byte IHDR first with a valid size, bit depth and colour type, at
 * most `maxPixels` pixels, an IEND, IDAT that is zlib and inflates to exactly the rows the
 * IHDR promises, and a known filter type on every row. Every failure is a PlanError on
 * `field`, the same on every run (nothing is read from uninitialised memory).
 */
export function checkPng(buf: Uint8Array, field: string, path: string, maxPixels: number): CheckedPng {
  const fail = (why: string): never => {
    throw new PlanError(field, path, `not a readable PNG: ${why}`);
  };
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 8 || SIGNATURE.some((v, i) => b[i] !== v)) fail("the PNG signature is missing");
  let pos = 8;
  let ihdr: Buffer | undefined;
  let ended = false;
  const idat: Buffer[] = [];
  let idatBytes = 0;
  const text = new Map<string, string>();
  while (pos < b.length) {
    if (pos + 12 > b.length) fail(`the file ends inside a chunk header at byte ${pos}`);
    const len = b.readUInt32BE(pos);
    const type = b.toString("latin1", pos + 4, pos + 8);
    if (len > 0x7fffffff || pos + 12 + len > b.length)
      fail(`chunk ${JSON.stringify(type)} at byte ${pos} claims ${len} bytes; the file is truncated`);
    const body = b.subarray(pos + 8, pos + 8 + len);
    if (crc32(b.subarray(pos + 4, pos + 8 + len)) !== b.readUInt32BE(pos + 8 + len))
      fail(`chunk ${JSON.stringify(type)} at byte ${pos} has a bad CRC (corrupted file)`);
    if (ihdr === undefined && type !== "IHDR") fail("the first chunk is not IHDR");
    if (type === "IHDR") {
      if (ihdr !== undefined) fail("two IHDR chunks");
      if (len !== 13) fail(`IHDR is ${len} bytes, not 13`);
      ihdr = body;
    } else if (type === "IDAT") {
      idat.push(body);
      idatBytes += len;
    } else if (type === "tEXt") {
      const nul = body.indexOf(0);
      if (nul > 0) text.set(body.toString("latin1", 0, nul), body.toString("latin1", nul + 1));
    } else if (type === "IEND") {
      ended = true;
      break;
    }
    pos += 12 + len;
  }
  if (!ihdr) return fail("no IHDR chunk");
  if (!ended) fail("no IEND chunk (the file is truncated)");
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const [bitDepth, colorType, compression, filter, interlace] = [
    ihdr[8],
    ihdr[9],
    ihdr[10],
    ihdr[11],
    ihdr[12],
  ];
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff)
    fail(`IHDR size ${width} × ${height} (allowed: 1 .. 2^31−1 each)`);
  if (!(colorType in CHANNELS) || !DEPTHS[colorType].includes(bitDepth))
    fail(`IHDR colour type ${colorType} with bit depth ${bitDepth}`);
  if (compression !== 0 || filter !== 0 || interlace > 1)
    fail("unknown IHDR compression, filter or interlace method");
  if (width * height > maxPixels)
    throw new PlanError(
      field,
      path,
      `allowed: an image of at most ${maxPixels} pixels (this one is ${width} × ${height})`,
    );
  if (idatBytes === 0) fail("no image data (IDAT)");
  const passes = scanlines(width, height, bitDepth * CHANNELS[colorType], interlace);
  let expected = 0;
  for (const [rows, bytes] of passes) expected += rows * (1 + bytes);
  let raw: Buffer;
  try {
    // Never inflate past what the IHDR promises (a small file cannot claim gigabytes).
    raw = inflateSync(Buffer.concat(idat, idatBytes), { maxOutputLength: expected + 1 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ERR_BUFFER_TOO_LARGE")
      return fail(`the image data is longer than ${width} × ${height} needs`);
    return fail(`the image data (IDAT) is not valid zlib data (${(e as Error).message})`);
  }
  if (raw.length < expected)
    fail(`the image data is truncated: ${raw.length} of ${expected} bytes (${width} × ${height})`);
  if (raw.length > expected) fail(`the image data is longer than ${width} × ${height} needs`);
  let o = 0;
  for (const [rows, bytes] of passes)
    for (let r = 0; r < rows; r++, o += 1 + bytes)
      if (raw[o] > 4) fail(`row ${r} has unknown filter type ${raw[o]}`);
  return { width, height, bitDepth, colorType, interlace, raw, text };
}

/** The depth scale of a tEXt `umPerCount`: a plain decimal > 0 whose largest depth is finite. */
export function parseScale(text: string | undefined, path: string): number {
  if (text === undefined) return 1;
  const v = parseDecimal(text);
  if (v === undefined || !(v > 0) || !Number.isFinite(Math.fround(v * MAX_COUNT)))
    throw new PlanError(
      `png ${SCALE_KEY}`,
      text,
      `allowed: a decimal number > 0 whose largest depth (65535 counts) is finite (in ${path})`,
    );
  return v;
}

/**
 * Read a grayscale PNG depth map (16- or 8-bit, non-interlaced) into a raster in µm (row 0 =
 * lowest y) using its `umPerCount` tEXt scale (1 when absent). A PNG carries no pixel size or
 * origin: pass them (defaults 1 µm, [0, 0]). Malformed, truncated or oversized files and a
 * non-finite scale are PlanErrors (see {@link checkPng}).
 */
export function readDepthPng(
  path: string,
  pixelUm = 1,
  originMm: readonly [number, number] = [0, 0],
): { raster: Raster; umPerCount: number } {
  noteInput(path, "<depth>");
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new PlanError(
      "png",
      path,
      `the file cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  if (buf.length < 8 || SIGNATURE.some((v, i) => buf[i] !== v))
    throw new PlanError("png", path, "allowed: a PNG file (bad signature)");
  const png = checkPng(buf, "png", path, MAX_MAP_PIXELS);
  const { width, height, raw } = png;
  const depth = png.bitDepth;
  if (png.colorType !== 0 || (depth !== 16 && depth !== 8) || png.interlace !== 0)
    throw new PlanError("png", path, "allowed: a non-interlaced 8- or 16-bit grayscale PNG");
  const scale = parseScale(png.text.get(SCALE_KEY), path);
  const bpp = depth / 8;
  const stride = width * bpp;
  const line = new Uint8Array(stride);
  const prev = new Uint8Array(stride);
  const data = new Float32Array(width * height);
  for (let jIn = 0; jIn < height; jIn++) {
    const o = jIn * (stride + 1);
    const f = raw[o];
    for (let k = 0; k < stride; k++) {
      const x = raw[o + 1 + k];
      const a = k >= bpp ? line[k - bpp] : 0;
      const b = prev[k];
      const c = k >= bpp ? prev[k - bpp] : 0;
      line[k] =
        (f === 0
          ? x
          : f === 1
            ? x + a
            : f === 2
              ? x + b
              : f === 3
                ? x + ((a + b) >> 1)
                : x + paeth(a, b, c)) & 0xff;
    }
    const j = height - 1 - jIn;
    for (let i = 0; i < width; i++) {
      const count = depth === 16 ? (line[2 * i] << 8) | line[2 * i + 1] : line[i];
      data[j * width + i] = count * scale;
    }
    prev.set(line);
  }
  return {
    raster: { data, width, height, pixelUm, originMm: [originMm[0], originMm[1]] },
    umPerCount: scale,
  };
}
