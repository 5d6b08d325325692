/**
 * 16-bit grayscale PNG depth maps (docs/formats.md): depth = count × umPerCount, the scale stored in a
 * tEXt chunk with key `umPerCount` and a bare decimal as text. Rows from the highest y down.
 * Encoded here with node:zlib (pngjs has no 16-bit gray writer nor tEXt access).
 */
import { readFileSync } from "node:fs";
import { deflateSync, inflateSync } from "node:zlib";
import type { Raster } from "../dose/raster.js";
import { PlanError } from "../errors.js";
import { writeFileAtomic } from "./atomic.js";

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

/**
 * Read a grayscale PNG depth map (16- or 8-bit, non-interlaced) into a raster in µm (row 0 =
 * lowest y) using its `umPerCount` tEXt scale (1 when absent). A PNG carries no pixel size or
 * origin: pass them (defaults 1 µm, [0, 0]).
 */
export function readDepthPng(
  path: string,
  pixelUm = 1,
  originMm: readonly [number, number] = [0, 0],
): { raster: Raster; umPerCount: number } {
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
  for (let i = 0; i < 8; i++)
    if (buf[i] !== SIGNATURE[i]) throw new PlanError("png", path, "allowed: a PNG file (bad signature)");
  let pos = 8;
  let width = 0;
  let height = 0;
  let depth = 0;
  let scale = 1;
  const idat: Buffer[] = [];
  while (pos + 8 <= buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString("latin1", pos + 4, pos + 8);
    const body = buf.subarray(pos + 8, pos + 8 + len);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      depth = body[8];
      if (body[9] !== 0 || (depth !== 16 && depth !== 8) || body[12] !== 0)
        throw new PlanError("png", path, "allowed: a non-interlaced 8- or 16-bit grayscale PNG");
    } else if (type === "tEXt") {
      const nul = body.indexOf(0);
      if (nul > 0 && body.toString("latin1", 0, nul) === SCALE_KEY)
        scale = Number(body.toString("latin1", nul + 1));
    } else if (type === "IDAT") idat.push(body);
    else if (type === "IEND") break;
    pos += 12 + len;
  }
  if (!(width > 0 && height > 0)) throw new PlanError("png", path, "the PNG has no IHDR");
  if (!(scale > 0)) throw new PlanError("png", path, `allowed: a positive ${SCALE_KEY} scale`);
  const raw = inflateSync(Buffer.concat(idat));
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
