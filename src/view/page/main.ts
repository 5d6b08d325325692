/**
 * The view page's script (bundled by esbuild into one inline script of view.html). It reads the
 * data the CLI embedded, draws the depth map with zoom and pan, the area, stamps and spots, plays
 * the firing order on a timeline, cuts cross-sections, and exposes `window.laserscanView`.
 * Everything it needs is in the page: it makes no request.
 */
import { type LaserscanView, type Packed, type SpotColoring, VIEW_DATA_ID, type ViewData } from "../data.js";
import {
  coagulationAlong,
  columnMax,
  finiteMax,
  formatTick,
  formatValue,
  layerBands,
  type MapGrid,
  niceStep,
  niceTicks,
  SECTION_COLORS,
  sampleSection,
  sectionBottomUm,
  valueAtMm,
} from "../profile.js";

declare global {
  interface Window {
    laserscanView?: LaserscanView;
  }
}

const LUT_SIZE = 256;
const OUTSIDE = "#e2e2e2";
const OUTLINE = "#282828";
const STAMP = "rgba(90,90,90,0.75)";
const SPOT_BINS = 64;

function base64Bytes(b64: string): Uint8Array {
  // Native decoding where the browser has it (Chromium 140+, Firefox 133+, Safari 18.2+).
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (native) return native(b64);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const ELEMENT_BYTES = { f32: 4, f64: 8, u32: 4, u16: 2 } as const;

/** A packed array (see data.ts): inflate, unshuffle the bytes; u16 counts become µm. */
async function unpack(p: Packed): Promise<Float32Array | Float64Array | Uint32Array> {
  const stream = new Blob([base64Bytes(p.b64) as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream("deflate"));
  const src = new Uint8Array(await new Response(stream).arrayBuffer());
  const size = ELEMENT_BYTES[p.type];
  const n = src.length / size;
  const bytes = new Uint8Array(src.length);
  for (let b = 0; b < size; b++) for (let k = 0, o = b * n; k < n; k++) bytes[k * size + b] = src[o + k];
  const buf = bytes.buffer;
  if (p.type === "f32") return new Float32Array(buf);
  if (p.type === "f64") return new Float64Array(buf);
  if (p.type === "u32") return new Uint32Array(buf);
  const counts = new Uint16Array(buf);
  const step = p.umPerCount ?? 1;
  const out = new Float32Array(counts.length);
  for (let k = 0; k < counts.length; k++) out[k] = counts[k] * step;
  return out;
}

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`missing element #${id}`);
  return e as T;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Number of `t` values ≤ ms (t sorted ascending). */
function countUpTo(t: Float64Array, ms: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid] <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lutCss(lut: Uint8Array, t: number): string {
  const k = Math.min(LUT_SIZE - 1, Math.max(0, Math.round(t * (LUT_SIZE - 1)))) * 4;
  return `rgb(${lut[k]},${lut[k + 1]},${lut[k + 2]})`;
}

function fmtInt(n: number): string {
  return n.toLocaleString("en-US");
}

function fmtTime(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const holder = document.getElementById(VIEW_DATA_ID);
  if (!holder?.textContent) throw new Error("the page carries no data");
  performance.mark("laserscan:start");
  const data = JSON.parse(holder.textContent) as ViewData;
  performance.mark("laserscan:parsed");
  const m = data.map;
  const [depthData, coagData, xs, ys, ts, heat, rise] = await Promise.all([
    unpack(m.depth),
    m.coag ? unpack(m.coag) : Promise.resolve(undefined),
    unpack(data.spots.xMm),
    unpack(data.spots.yMm),
    unpack(data.spots.tMs),
    unpack(data.spots.heat),
    data.spots.tempRiseC ? unpack(data.spots.tempRiseC) : Promise.resolve(undefined),
  ]);
  performance.mark("laserscan:unpacked");
  const grid = (values: ArrayLike<number>): MapGrid => ({
    data: values,
    width: m.width,
    height: m.height,
    pixelUm: m.pixelUm,
    originMm: m.originMm,
  });
  const depthGrid = grid(depthData);
  const coagGrid = coagData ? grid(coagData) : undefined;
  const tMs = ts as Float64Array;
  const n = data.spots.count;
  const luts: Record<string, Uint8Array> = {};
  for (const [name, b64] of Object.entries(data.colormaps)) luts[name] = base64Bytes(b64);
  const pixMm = m.pixelUm / 1000;
  const mapWmm = m.width * pixMm;
  const mapHmm = m.height * pixMm;
  const [bx0, by0, bx1, by1] = data.bounds;

  // ---- markup ----
  const hasCoag = coagGrid !== undefined || m.coagOffsetUm !== undefined;
  const mapNote =
    m.factor === 1
      ? `Map embedded at full resolution: ${fmtInt(m.width)} × ${fmtInt(m.height)} pixels of ${formatValue(m.pixelUm)} µm.`
      : `Map embedded at reduced resolution: ${fmtInt(m.width)} × ${fmtInt(m.height)} pixels of ${formatValue(m.pixelUm)} µm, ` +
        `each the max of ${m.factor} × ${m.factor} pixels of the ${fmtInt(m.rasterWidth)} × ${fmtInt(m.rasterHeight)} raster at ` +
        `${formatValue(m.rasterPixelUm)} µm, in steps of ${formatValue(m.depth.umPerCount ?? 0)} µm; readouts and sections read ` +
        `this map; the maximum ${formatValue(m.maxDepthUm)} µm is the full-resolution one.`;
  const app = el<HTMLDivElement>("app");
  app.innerHTML = `
<header>
  <h1>${esc(data.title)}</h1>
  <div class="sub">${esc(data.source)} · ${fmtInt(n)} spots · treatment ${esc(fmtTime(data.treatmentMs))} · max depth ${formatValue(m.maxDepthUm)} µm${hasCoag ? ` · max coagulation ${formatValue(m.maxCoagUm)} µm` : ""}</div>
  <div class="note" id="mapnote">${esc(mapNote)} Engineering and research tool; not a medical device.</div>
</header>
<main>
  <div>
    <div id="mapwrap">
      <canvas id="map"></canvas>
      <div id="readout">move the pointer over the map</div>
      <div id="zoomnote"></div>
    </div>
    <div class="row" style="margin-top:6px">
      <label><input type="radio" name="tool" value="pan" checked> pan / zoom (wheel)</label>
      <label><input type="radio" name="tool" value="section"> cut a section (drag; or Shift + drag)</label>
      <button id="fit" type="button">fit</button>
    </div>
  </div>
  <aside>
    <div class="panel">
      <h2>Map</h2>
      <div class="row">
        <label>show <select id="which"><option value="depth">ablation depth</option>${hasCoag ? '<option value="coag">coagulation depth</option>' : ""}</select></label>
        <label>colours <select id="cmap">${Object.keys(luts)
          .map((k) => `<option${k === data.colormap ? " selected" : ""}>${k}</option>`)
          .join("")}</select></label>
      </div>
      <div class="row"><label>scale max <input id="smax" type="number" min="0" step="any" style="width:6em"> µm</label></div>
      <canvas id="colorbar" width="300" height="230" style="width:300px;height:230px"></canvas>
      <div class="row">
        <label><input id="showspots" type="checkbox" checked> spots</label>
        <label><input id="truesize" type="checkbox"> at true size</label>
        <label><input id="showstamps" type="checkbox" checked> stamps</label>
      </div>
    </div>
    <div class="panel" id="timeline">
      <h2>Firing order</h2>
      <div class="row">
        <button id="play" type="button">play</button>
        <label>speed <select id="speed"></select></label>
        <label>colour by <select id="spotcolor"><option value="time">firing time</option><option value="heat">heat index at firing</option>${rise ? '<option value="tempRise">bulk rise ΔT at firing, K</option>' : ""}</select></label>
      </div>
      <input id="slider" type="range" min="0" max="1000" step="any">
      <div id="fired"></div>
      <canvas id="spotbar" width="300" height="34" style="width:300px;height:34px"></canvas>
    </div>
    <div class="panel"><h2>Plan</h2><table id="settings"></table></div>
    <div class="panel"><h2>Report</h2><table id="report"></table><div id="warnings"></div></div>
  </aside>
  <div id="sectionwrap">
    <h2 style="font-size:13px;margin:0 0 4px">Cross-section <span id="sectioninfo" class="sub"></span></h2>
    <canvas id="section"></canvas>
    <div id="sectionlegend" class="sub"></div>
  </div>
</main>`;
  const rows = (pairs: [string, string][]) =>
    pairs.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join("");
  el("settings").innerHTML = rows(data.settings);
  el("report").innerHTML = rows(data.report);
  el("warnings").innerHTML = data.warnings.map((w) => `<div class="warn">warning: ${esc(w)}</div>`).join("");

  // ---- state ----
  const canvas = el<HTMLCanvasElement>("map");
  const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
  let which: "depth" | "coag" = m.primary === "coag" && hasCoag ? "coag" : "depth";
  el<HTMLSelectElement>("which").value = which;
  let cmap = data.colormap;
  const fullMax = () => (which === "depth" ? m.maxDepthUm : m.maxCoagUm);
  let scaleMax = fullMax() > 0 ? fullMax() : 1;
  let timeMs = data.treatmentMs;
  let fired = n;
  let spotColor: SpotColoring = "time";
  const riseMax = data.spots.tempRiseMaxC ?? 0;
  const colorings: SpotColoring[] = rise ? ["time", "heat", "tempRise"] : ["time", "heat"];
  let showSpots = true;
  let trueSize = false;
  let showStamps = true;
  let tool: "pan" | "section" = "pan";
  let line: [number, number, number, number] | null = null;
  // View: screen x = (x − left)·scale, screen y = (top − y)·scale (CSS px).
  let scale = 1;
  let left = bx0;
  let top = by1;
  let cssW = 1;
  let cssH = 1;
  const dpr = Math.max(1, window.devicePixelRatio || 1);

  // ---- map image ----
  const mapImage = document.createElement("canvas");
  mapImage.width = m.width;
  mapImage.height = m.height;
  const mapCtx = mapImage.getContext("2d") as CanvasRenderingContext2D;
  const mapValues = (): ArrayLike<number> => {
    if (which === "depth") return depthData;
    if (coagGrid) return coagGrid.data;
    const off = m.coagOffsetUm ?? 0;
    const out = new Float32Array(depthData.length);
    for (let k = 0; k < out.length; k++) out[k] = depthData[k] > 0 ? depthData[k] + off : 0;
    return out;
  };
  function paintMapImage(): void {
    const img = mapCtx.createImageData(m.width, m.height);
    const px = new Uint32Array(img.data.buffer);
    const lut = luts[cmap];
    // The table as whole RGBA pixels (little-endian: R in the low byte), one store per pixel.
    const lut32 = new Uint32Array(LUT_SIZE);
    for (let e = 0; e < LUT_SIZE; e++)
      lut32[e] = (255 << 24) | (lut[4 * e + 2] << 16) | (lut[4 * e + 1] << 8) | lut[4 * e];
    const vals = mapValues();
    const k = (LUT_SIZE - 1) / scaleMax;
    for (let r = 0; r < m.height; r++) {
      const src = (m.height - 1 - r) * m.width;
      const dst = r * m.width;
      for (let c = 0; c < m.width; c++) {
        const v = vals[src + c] * k;
        // As the PNG heatmaps: round to the nearest entry, clip above the top.
        px[dst + c] = lut32[v >= LUT_SIZE - 1 ? LUT_SIZE - 1 : v > 0 ? (v + 0.5) | 0 : 0];
      }
    }
    mapCtx.putImageData(img, 0, 0);
  }

  // ---- spots, grouped by colour bin ----
  let binOf = new Uint8Array(n);
  /** The values the spots are coloured by and the top of their scale. */
  function spotValues(): { src: ArrayLike<number>; top: number } {
    if (spotColor === "tempRise" && rise) return { src: rise, top: riseMax };
    if (spotColor === "heat") return { src: heat, top: data.spots.heatMax };
    return { src: tMs, top: data.treatmentMs };
  }
  function computeBins(): void {
    const { src, top } = spotValues();
    const denom = top || 1;
    binOf = new Uint8Array(n);
    for (let i = 0; i < n; i++)
      binOf[i] = Math.min(SPOT_BINS - 1, Math.max(0, Math.floor((src[i] / denom) * SPOT_BINS)));
  }
  // Heat index and bulk rise as the PNGs draw them: dark cool spots, bright hot ones.
  const spotLut = () => luts[spotColor === "time" ? data.timeColormap : "inferno"];
  const binCss = (b: number) => lutCss(spotLut(), (b + 0.5) / SPOT_BINS);
  function spotRadiusPx(): number {
    const r = (data.spots.spotUm / 2000) * scale;
    return trueSize ? Math.max(0.8, r) : Math.max(1.2, Math.min(r * 0.35, 4));
  }
  function drawSpots(from: number, to: number): void {
    const r = spotRadiusPx();
    const x0 = left - r / scale;
    const x1 = left + (cssW + r) / scale;
    const y0 = top - (cssH + r) / scale;
    const y1 = top + r / scale;
    const paths: Path2D[] = [];
    for (let b = 0; b < SPOT_BINS; b++) paths.push(new Path2D());
    const small = r < 1.5;
    for (let i = from; i < to; i++) {
      const x = xs[i];
      const y = ys[i];
      if (x < x0 || x > x1 || y < y0 || y > y1) continue;
      const sx = (x - left) * scale;
      const sy = (top - y) * scale;
      const p = paths[binOf[i]];
      if (small) p.rect(sx - r, sy - r, 2 * r, 2 * r);
      else {
        p.moveTo(sx + r, sy);
        p.arc(sx, sy, r, 0, 2 * Math.PI);
      }
    }
    ctx.globalAlpha = trueSize ? 0.75 : 1;
    for (let b = 0; b < SPOT_BINS; b++) {
      ctx.fillStyle = binCss(b);
      ctx.fill(paths[b]);
    }
    ctx.globalAlpha = 1;
  }

  // ---- drawing the view ----
  function outlinePath(): Path2D {
    const p = new Path2D();
    for (const ring of data.outline) {
      for (let k = 0; k < ring.length; k += 2) {
        const sx = (ring[k] - left) * scale;
        const sy = (top - ring[k + 1]) * scale;
        if (k === 0) p.moveTo(sx, sy);
        else p.lineTo(sx, sy);
      }
      if (data.outlineClosed) p.closePath();
    }
    return p;
  }
  let drawnFired = 0;
  function draw(): void {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, cssW, cssH);
    ctx.imageSmoothingEnabled = false;
    const mx = (m.originMm[0] - left) * scale;
    const my = (top - (m.originMm[1] + mapHmm)) * scale;
    ctx.drawImage(mapImage, mx, my, mapWmm * scale, mapHmm * scale);
    if (data.outlineClosed && data.outline.length > 0) {
      const outside = outlinePath();
      outside.rect(mx, my, mapWmm * scale, mapHmm * scale);
      ctx.save();
      ctx.beginPath();
      ctx.rect(mx, my, mapWmm * scale, mapHmm * scale);
      ctx.clip();
      ctx.fillStyle = OUTSIDE;
      ctx.fill(outside, "evenodd");
      ctx.restore();
    }
    ctx.strokeStyle = "#606060";
    ctx.lineWidth = 1;
    ctx.strokeRect(mx - 0.5, my - 0.5, mapWmm * scale + 1, mapHmm * scale + 1);
    ctx.strokeStyle = OUTLINE;
    ctx.lineWidth = 1.5;
    ctx.stroke(outlinePath());
    if (showStamps) {
      ctx.save();
      ctx.setLineDash([6, 4]);
      ctx.strokeStyle = STAMP;
      ctx.lineWidth = 1;
      const [fw, fh] = data.fieldMm;
      for (const [ox, oy] of data.stamps)
        ctx.strokeRect((ox - left) * scale, (top - oy - fh) * scale, fw * scale, fh * scale);
      ctx.restore();
    }
    if (showSpots) drawSpots(0, fired);
    drawnFired = fired;
    drawLine();
    el("zoomnote").textContent =
      `${formatValue(scale / 1)} px/mm · ${formatValue((1000 / scale) * 1)} µm per screen px`;
  }
  function drawLine(): void {
    if (!line) return;
    const [x0, y0, x1, y1] = line;
    const ax = (x0 - left) * scale;
    const ay = (top - y0) * scale;
    const bx = (x1 - left) * scale;
    const by = (top - y1) * scale;
    ctx.save();
    ctx.lineWidth = 3;
    ctx.strokeStyle = "#ffffff";
    ctx.beginPath();
    ctx.moveTo(ax, ay);
    ctx.lineTo(bx, by);
    ctx.stroke();
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = "#ff2e63";
    ctx.stroke();
    ctx.font = "bold 12px sans-serif";
    for (const [label, x, y] of [
      ["A", ax, ay],
      ["B", bx, by],
    ] as [string, number, number][]) {
      ctx.fillStyle = "#ff2e63";
      ctx.beginPath();
      ctx.arc(x, y, 4, 0, 2 * Math.PI);
      ctx.fill();
      ctx.fillStyle = "#111";
      ctx.fillText(label, x + 6, y - 6);
    }
    ctx.restore();
  }
  let pending = false;
  function requestDraw(): void {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  }

  function resize(): void {
    const r = canvas.getBoundingClientRect();
    cssW = Math.max(1, r.width);
    cssH = Math.max(1, r.height);
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
    draw();
  }
  function fitView(): void {
    const r = canvas.getBoundingClientRect();
    const w = Math.max(1, r.width);
    const h = Math.max(1, r.height);
    const pad = 16;
    const bw = Math.max(bx1 - bx0, 1e-6);
    const bh = Math.max(by1 - by0, 1e-6);
    scale = Math.min((w - 2 * pad) / bw, (h - 2 * pad) / bh);
    left = bx0 - (w / scale - bw) / 2;
    top = by1 + (h / scale - bh) / 2;
  }

  // ---- colour bar (as the PNGs: ticks in µm, 1-2-5 steps) ----
  function drawColorbar(): void {
    const cb = el<HTMLCanvasElement>("colorbar");
    const c = cb.getContext("2d") as CanvasRenderingContext2D;
    cb.width = 300 * dpr;
    cb.height = 230 * dpr;
    c.setTransform(dpr, 0, 0, dpr, 0, 0);
    c.clearRect(0, 0, 300, 230);
    const lut = luts[cmap];
    const x = 4;
    const y = 26;
    const h = 190;
    const w = 18;
    c.font = "bold 13px sans-serif";
    c.fillStyle = "#222";
    c.fillText(which === "depth" ? "Depth, µm" : "Coagulation, µm", x, 14);
    for (let r = 0; r < h; r++) {
      c.fillStyle = lutCss(lut, 1 - (r + 0.5) / h);
      c.fillRect(x, y + r, w, 1);
    }
    c.strokeStyle = "#606060";
    c.strokeRect(x - 0.5, y - 0.5, w + 1, h + 1);
    c.font = "13px sans-serif";
    c.textBaseline = "middle";
    const step = niceStep(scaleMax, 5);
    const clipped = fullMax() > scaleMax * (1 + 1e-6);
    for (const v of niceTicks(scaleMax, 5)) {
      const ty = y + Math.round((1 - v / scaleMax) * (h - 1)) + 0.5;
      c.fillStyle = "#222";
      c.fillRect(x + w, ty, 5, 1);
      if (clipped && v >= scaleMax * (1 - 1e-9)) continue;
      c.fillText(formatTick(v, step), x + w + 9, ty);
    }
    // The top of the scale is labelled when it does not crowd the last tick (as the PNGs).
    const last = niceTicks(scaleMax, 5).at(-1) ?? 0;
    const lastY = Math.round((1 - last / scaleMax) * (h - 1));
    if (clipped) c.fillText(`≥ ${formatValue(scaleMax)}`, x + w + 9, y);
    else if (last < scaleMax * (1 - 1e-9) && lastY >= 13 * 2.5) {
      c.fillRect(x + w, y + 0.5, 5, 1);
      c.fillText(formatValue(scaleMax), x + w + 9, y);
    }
    c.textBaseline = "alphabetic";
  }
  function drawSpotBar(): void {
    const sb = el<HTMLCanvasElement>("spotbar");
    const c = sb.getContext("2d") as CanvasRenderingContext2D;
    sb.width = 300 * dpr;
    sb.height = 34 * dpr;
    c.setTransform(dpr, 0, 0, dpr, 0, 0);
    c.clearRect(0, 0, 300, 34);
    for (let b = 0; b < SPOT_BINS; b++) {
      c.fillStyle = binCss(b);
      c.fillRect(4 + (b * 220) / SPOT_BINS, 4, 220 / SPOT_BINS + 0.5, 12);
    }
    c.fillStyle = "#222";
    c.font = "12px sans-serif";
    if (spotColor === "tempRise") {
      // A scale in K: 1-2-5 ticks, the largest rise at the right end when it does not crowd them.
      const top = riseMax || 1;
      const step = niceStep(top, 4);
      let lastX = 0;
      for (const v of niceTicks(top, 4)) {
        const tx = 4 + Math.round((v / top) * 219);
        c.fillRect(tx, 16, 1, 4);
        c.textAlign = v === 0 ? "left" : "center";
        c.fillText(formatTick(v, step), v === 0 ? 4 : tx, 30);
        lastX = tx;
      }
      c.textAlign = "right";
      if (224 - lastX >= 34) c.fillText(formatValue(riseMax), 224, 30);
      c.textAlign = "left";
      c.fillText("ΔT, K", 230, 14);
      return;
    }
    const top = spotColor === "time" ? fmtTime(data.treatmentMs) : formatValue(data.spots.heatMax);
    c.fillText(spotColor === "time" ? "0 s" : "0", 4, 30);
    c.textAlign = "right";
    c.fillText(top, 224, 30);
    c.textAlign = "left";
    c.fillText(spotColor === "time" ? "firing time" : "heat index", 230, 14);
  }

  // ---- timeline ----
  const slider = el<HTMLInputElement>("slider");
  slider.max = String(data.treatmentMs);
  slider.step = "any";
  function setTime(ms: number): number {
    timeMs = Math.max(0, ms) || 0;
    const before = fired;
    fired = countUpTo(tMs, ms);
    slider.value = String(Math.min(timeMs, data.treatmentMs));
    el("fired").textContent =
      `t = ${fmtTime(timeMs)} of ${fmtTime(data.treatmentMs)} · ${fmtInt(fired)} of ${fmtInt(n)} spots fired`;
    if (fired >= before && drawnFired === before && showSpots && !pending) {
      drawSpots(before, fired);
      drawnFired = fired;
      drawLine();
    } else requestDraw();
    return fired;
  }
  const speeds = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
  const speedSel = el<HTMLSelectElement>("speed");
  speedSel.innerHTML = speeds.map((s) => `<option value="${s}">${s}×</option>`).join("");
  const wantSpeed = data.treatmentMs / 15000;
  speedSel.value = String(speeds.find((s) => s >= wantSpeed) ?? speeds[speeds.length - 1]);
  let playing = false;
  let lastFrame = 0;
  const playBtn = el<HTMLButtonElement>("play");
  function frame(now: number): void {
    if (!playing) return;
    const dt = lastFrame ? now - lastFrame : 0;
    lastFrame = now;
    const next = timeMs + dt * Number(speedSel.value);
    setTime(Math.min(next, data.treatmentMs));
    if (next >= data.treatmentMs) {
      playing = false;
      playBtn.textContent = "play";
      return;
    }
    requestAnimationFrame(frame);
  }
  playBtn.addEventListener("click", () => {
    playing = !playing;
    playBtn.textContent = playing ? "pause" : "play";
    if (playing) {
      if (timeMs >= data.treatmentMs) setTime(0);
      lastFrame = 0;
      requestAnimationFrame(frame);
    }
  });
  slider.addEventListener("input", () => setTime(Number(slider.value)));

  // ---- section ----
  const secCanvas = el<HTMLCanvasElement>("section");
  function sectionValues(x0: number, y0: number, x1: number, y1: number) {
    const s = sampleSection(depthGrid, x0, y0, x1, y1);
    return { s, coag: coagulationAlong(s, coagGrid, m.coagOffsetUm) };
  }
  function drawSection(): void {
    const r = secCanvas.getBoundingClientRect();
    const W = Math.max(200, r.width);
    const H = Math.max(120, r.height);
    secCanvas.width = Math.round(W * dpr);
    secCanvas.height = Math.round(H * dpr);
    const c = secCanvas.getContext("2d") as CanvasRenderingContext2D;
    c.setTransform(dpr, 0, 0, dpr, 0, 0);
    c.fillStyle = "#fff";
    c.fillRect(0, 0, W, H);
    if (!line) return;
    const { s, coag } = sectionValues(...line);
    const maxD = finiteMax(s.values);
    const maxC = coag ? finiteMax(coag) : 0;
    const bottom = sectionBottomUm(maxD, maxC, data.region);
    const px = 60;
    const py = 22;
    const pw = Math.max(10, Math.floor(W - px - 16));
    const ph = Math.max(10, Math.floor(H - py - 34));
    const pxPerUm = ph / bottom;
    const bands = data.region ? layerBands(data.region, bottom) : [];
    if (bands.length === 0) {
      c.fillStyle = SECTION_COLORS.dermis;
      c.fillRect(px, py, pw, ph);
    }
    for (const b of bands) {
      c.fillStyle = SECTION_COLORS[b.name];
      const ya = Math.round(b.topUm * pxPerUm);
      c.fillRect(px, py + ya, pw, Math.round(b.bottomUm * pxPerUm) - ya);
    }
    const dc = columnMax(s.sMm, s.values, s.lengthMm, pw);
    const cc = coag ? columnMax(s.sMm, coag, s.lengthMm, pw) : undefined;
    for (let col = 0; col < pw; col++) {
      const d = dc[col];
      if (Number.isNaN(d)) {
        c.fillStyle = "#ececec";
        c.fillRect(px + col, py, 1, ph);
        continue;
      }
      const yd = Math.min(ph, Math.round(d * pxPerUm));
      if (cc && cc[col] > d) {
        c.fillStyle = SECTION_COLORS.coagulation;
        c.fillRect(px + col, py + yd, 1, Math.min(ph, Math.round(cc[col] * pxPerUm)) - yd);
      }
      if (yd > 0) {
        c.fillStyle = SECTION_COLORS.air;
        c.fillRect(px + col, py, 1, yd);
      }
    }
    c.strokeStyle = SECTION_COLORS.crater;
    c.lineWidth = 1.5;
    c.beginPath();
    for (let col = 0; col < pw; col++) {
      const d = !Number.isNaN(dc[col]) ? dc[col] : 0;
      const yy = py + Math.min(ph, d * pxPerUm);
      if (col === 0) c.moveTo(px + col + 0.5, yy);
      else c.lineTo(px + col + 0.5, yy);
    }
    c.stroke();
    c.strokeStyle = "#606060";
    c.lineWidth = 1;
    c.strokeRect(px - 0.5, py - 0.5, pw + 1, ph + 1);
    c.fillStyle = "#222";
    c.font = "12px sans-serif";
    c.textAlign = "right";
    c.textBaseline = "middle";
    const step = niceStep(bottom, 5);
    for (const v of niceTicks(bottom, 5)) {
      const y = py + Math.round(v * pxPerUm);
      c.fillRect(px - 6, Math.min(y, py + ph - 1), 5, 1);
      c.fillText(formatTick(v, step), px - 9, y);
    }
    c.textAlign = "center";
    c.textBaseline = "top";
    const sStep = niceStep(s.lengthMm, 8);
    for (const v of niceTicks(s.lengthMm, 8)) {
      const x = px + Math.round((v / s.lengthMm) * pw);
      c.fillRect(Math.min(x, px + pw - 1), py + ph + 1, 1, 5);
      c.fillText(formatTick(v, sStep), x, py + ph + 8);
    }
    c.textAlign = "left";
    c.font = "bold 12px sans-serif";
    c.fillText("depth, µm ↓", 4, 4);
    c.textAlign = "right";
    c.font = "12px sans-serif";
    c.fillText("A → B, mm", px + pw, 4);
    c.textAlign = "left";
    c.textBaseline = "alphabetic";
    const [x0, y0, x1, y1] = line;
    el("sectioninfo").textContent =
      `A (${x0.toFixed(3)}, ${y0.toFixed(3)}) → B (${x1.toFixed(3)}, ${y1.toFixed(3)}) mm · ${formatValue(s.lengthMm)} mm · ` +
      `max depth ${formatValue(maxD)} µm${coag ? ` · max coagulation ${formatValue(maxC)} µm` : ""}`;
    const sw = (color: string) =>
      `<span style="display:inline-block;width:14px;height:10px;border:1px solid #888;background:${color};vertical-align:-1px"></span>`;
    const parts: string[] = [];
    if (data.region) {
      parts.push(`${sw(SECTION_COLORS.epidermis)} epidermis ${formatValue(data.region.epidermisUm)} µm`);
      parts.push(`${sw(SECTION_COLORS.dermis)} dermis ${formatValue(data.region.dermisUm)} µm`);
      if (bands.some((b) => b.name === "subcutis")) parts.push(`${sw(SECTION_COLORS.subcutis)} subcutis`);
      parts.push(`skin region ${esc(data.region.name)} (histology)`);
    } else parts.push(`${sw(SECTION_COLORS.dermis)} tissue (the plan names no skin region)`);
    if (coag && maxC > 0) parts.push(`${sw(SECTION_COLORS.coagulation)} coagulated`);
    if (maxD > 0) parts.push(`${sw(SECTION_COLORS.air)} ablated`);
    parts.push(`depth drawn ${formatValue((pxPerUm * 1000) / (pw / s.lengthMm))}× the horizontal scale`);
    el("sectionlegend").innerHTML = parts.join(" &nbsp; ");
  }
  function setLine(x0: number, y0: number, x1: number, y1: number): void {
    line = [x0, y0, x1, y1];
    drawSection();
    requestDraw();
  }

  // ---- pointer: readout, pan, zoom, section ----
  const readout = el("readout");
  const toMm = (e: PointerEvent | WheelEvent | MouseEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [left + (e.clientX - r.left) / scale, top - (e.clientY - r.top) / scale];
  };
  let drag: {
    kind: "pan" | "section";
    sx: number;
    sy: number;
    left: number;
    top: number;
    x0: number;
    y0: number;
  } | null = null;
  canvas.addEventListener("pointerdown", (e) => {
    const [x, y] = toMm(e);
    const kind = tool === "section" || e.shiftKey ? "section" : "pan";
    drag = { kind, sx: e.clientX, sy: e.clientY, left, top, x0: x, y0: y };
    canvas.setPointerCapture(e.pointerId);
    if (kind === "pan") canvas.style.cursor = "grabbing";
  });
  canvas.addEventListener("pointermove", (e) => {
    const [x, y] = toMm(e);
    const d = valueAtMm(depthGrid, x, y);
    let text = `x ${x.toFixed(3)} mm · y ${y.toFixed(3)} mm · `;
    if (!Number.isNaN(d)) {
      text += `depth ${d.toFixed(1)} µm`;
      if (coagGrid) text += ` · coagulation ${valueAtMm(coagGrid, x, y).toFixed(1)} µm`;
      else if (m.coagOffsetUm !== undefined && d > 0)
        text += ` · coagulation ${(d + m.coagOffsetUm).toFixed(1)} µm`;
    } else text += "outside the map";
    readout.textContent = text;
    if (!drag) return;
    if (drag.kind === "pan") {
      left = drag.left - (e.clientX - drag.sx) / scale;
      top = drag.top + (e.clientY - drag.sy) / scale;
      requestDraw();
    } else if (Math.hypot(e.clientX - drag.sx, e.clientY - drag.sy) > 3) setLine(drag.x0, drag.y0, x, y);
  });
  const endDrag = () => {
    drag = null;
    canvas.style.cursor = "";
  };
  canvas.addEventListener("pointerup", endDrag);
  canvas.addEventListener("pointercancel", endDrag);
  canvas.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      const [x, y] = toMm(e);
      const f = Math.exp(-e.deltaY * 0.0015);
      scale = Math.min(Math.max(scale * f, 0.5), 1e5);
      const r = canvas.getBoundingClientRect();
      left = x - (e.clientX - r.left) / scale;
      top = y + (e.clientY - r.top) / scale;
      requestDraw();
    },
    { passive: false },
  );
  canvas.addEventListener("dblclick", () => {
    fitView();
    requestDraw();
  });
  for (const input of document.querySelectorAll<HTMLInputElement>('input[name="tool"]'))
    input.addEventListener("change", () => {
      tool = input.value === "section" ? "section" : "pan";
      canvas.classList.toggle("section", tool === "section");
    });
  el("fit").addEventListener("click", () => {
    fitView();
    requestDraw();
  });

  // ---- controls ----
  const smax = el<HTMLInputElement>("smax");
  smax.value = String(Number(scaleMax.toFixed(1)));
  el<HTMLSelectElement>("which").addEventListener("change", (e) => {
    which = (e.target as HTMLSelectElement).value === "coag" ? "coag" : "depth";
    scaleMax = fullMax() > 0 ? fullMax() : 1;
    smax.value = String(Number(scaleMax.toFixed(1)));
    paintMapImage();
    drawColorbar();
    requestDraw();
  });
  el<HTMLSelectElement>("cmap").addEventListener("change", (e) => {
    cmap = (e.target as HTMLSelectElement).value;
    paintMapImage();
    drawColorbar();
    requestDraw();
  });
  smax.addEventListener("change", () => {
    const v = Number(smax.value);
    if (v > 0 && Number.isFinite(v)) {
      scaleMax = v;
      paintMapImage();
      drawColorbar();
      requestDraw();
    }
  });
  function setSpotColoring(mode: SpotColoring): SpotColoring {
    spotColor = colorings.includes(mode) ? mode : "time";
    el<HTMLSelectElement>("spotcolor").value = spotColor;
    computeBins();
    drawSpotBar();
    requestDraw();
    return spotColor;
  }
  el<HTMLSelectElement>("spotcolor").addEventListener("change", (e) => {
    setSpotColoring((e.target as HTMLSelectElement).value as SpotColoring);
  });
  const check = (id: string, set: (v: boolean) => void) =>
    el<HTMLInputElement>(id).addEventListener("change", (e) => {
      set((e.target as HTMLInputElement).checked);
      requestDraw();
    });
  check("showspots", (v) => {
    showSpots = v;
  });
  check("truesize", (v) => {
    trueSize = v;
  });
  check("showstamps", (v) => {
    showStamps = v;
  });
  window.addEventListener("resize", () => {
    resize();
    drawSection();
  });

  // ---- start ----
  computeBins();
  paintMapImage();
  performance.mark("laserscan:painted");
  fitView();
  resize();
  performance.mark("laserscan:drawn");
  drawColorbar();
  drawSpotBar();
  setTime(data.treatmentMs);
  // A first section: along the row of the spot nearest the centre, about a dozen spots long.
  if (n > 0) {
    const cx = (bx0 + bx1) / 2;
    const cy = (by0 + by1) / 2;
    let best = 0;
    let bd = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const d = (xs[i] - cx) ** 2 + (ys[i] - cy) ** 2;
      if (d < bd) {
        bd = d;
        best = i;
      }
    }
    const spacing = Math.sqrt(((bx1 - bx0) * (by1 - by0)) / Math.max(1, n));
    const half = Math.min((bx1 - bx0) / 2, Math.max(6 * spacing, (3 * data.spots.spotUm) / 1000));
    const x = xs[best];
    const y = ys[best];
    setLine(Math.max(m.originMm[0], x - half), y, Math.min(m.originMm[0] + mapWmm, x + half), y);
  } else setLine(bx0, (by0 + by1) / 2, bx1, (by0 + by1) / 2);

  window.laserscanView = {
    spotCount: n,
    treatmentMs: data.treatmentMs,
    maxDepthUm: m.maxDepthUm,
    setTimeMs: (ms: number) => setTime(ms),
    depthAtMm: (x: number, y: number) => valueAtMm(depthGrid, x, y),
    section: (x0: number, y0: number, x1: number, y1: number) => {
      setLine(x0, y0, x1, y1);
      const s = sampleSection(depthGrid, x0, y0, x1, y1);
      return Array.from(s.sMm, (sMm, k) => ({ sMm, depthUm: s.values[k] }));
    },
    spotColorings: colorings.slice(),
    setSpotColoring,
    tempRiseCAt: (i: number) => (rise && i >= 0 && i < n ? rise[i] : Number.NaN),
    maxTempRiseC: rise ? riseMax : Number.NaN,
    spotColorAt: (i: number) => binCss(binOf[i]),
    mmToCanvas: (x: number, y: number) => [(x - left) * scale, (top - y) * scale],
  };
  // Milliseconds from navigation start until the page was ready (read by bench/view.ts).
  document.body.dataset.readyMs = String(Math.round(performance.now()));
}

main().catch((err: unknown) => {
  const app = document.getElementById("app");
  if (app) app.textContent = `laserscan view: this page could not be shown (${String(err)})`;
  console.error(err);
});
