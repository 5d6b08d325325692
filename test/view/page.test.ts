/**
 * The view page in a real headless browser (Chromium via playwright-core, no download): its API
 * against the scan file and the .npy the CLI wrote, computed here independently; no request
 * leaves the page and nothing is logged as an error. Screenshots go to out/test-view/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readNpy } from "../../src/io/npy.js";
import { readScanFile } from "../../src/io/scanfile.js";
import { buildViewData, viewHtml } from "../../src/view/build.js";
import type { LaserscanView } from "../../src/view/data.js";
import { ROOT, runCli } from "../helpers/cli.js";
import { rawPlan } from "../helpers/plans.js";
import { findBrowser, launchBrowser, NO_BROWSER } from "./browser.js";

/** The page's global, as the functions handed to page.evaluate see it. */
declare const window: { laserscanView?: LaserscanView };

const exe = findBrowser();
if (!exe) console.warn(`view page tests skipped: ${NO_BROWSER}`);

/** A .npy float32 map read here (not with the project's reader): rows from the highest y down. */
function loadNpy(path: string): { data: Float32Array; width: number; height: number } {
  const buf = readFileSync(path);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString("latin1", 10, 10 + headerLen);
  const [h, w] = (/'shape':\s*\((\d+),\s*(\d+)\)/.exec(header) as RegExpExecArray).slice(1).map(Number);
  expect(header).toMatch(/'descr':\s*'<f4'/);
  const start = 10 + headerLen;
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + start + 4 * w * h));
  return { data, width: w, height: h };
}

/** The value of the .npy pixel holding (x, y) mm, for a map of `pixUm` with lower-left corner (0, 0). */
function npyAt(
  m: { data: Float32Array; width: number; height: number },
  pixUm: number,
  x: number,
  y: number,
) {
  const i = Math.floor(x / (pixUm / 1000));
  const j = Math.floor(y / (pixUm / 1000));
  return m.data[(m.height - 1 - j) * m.width + i];
}

interface Opened {
  page: Page;
  requests: string[];
  errors: string[];
  loadMs: number;
}

describe.skipIf(!exe)(`view page in headless Chromium${exe ? "" : ` (skipped: ${NO_BROWSER})`}`, () => {
  let dir: string;
  let browser: Browser;
  const shots = join(ROOT, "out", "test-view");
  const PIX = 10;
  const opened: Opened[] = [];

  async function open(file: string, width = 1400, height = 1150): Promise<Opened> {
    const page = await browser.newPage({ viewport: { width, height } });
    const url = pathToFileURL(file).href;
    const requests: string[] = [];
    const errors: string[] = [];
    page.on("request", (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    page.on("console", (msg) => {
      if (msg.type() === "error") errors.push(msg.text());
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    const t0 = performance.now();
    await page.goto(url);
    await page.waitForFunction(() => window.laserscanView !== undefined, undefined, { timeout: 60_000 });
    const o = { page, requests, errors, loadMs: performance.now() - t0 };
    opened.push(o);
    return o;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "laserscan-view-"));
    mkdirSync(shots, { recursive: true });
    const plan = rawPlan({
      name: "view-test",
      region: "cheek",
      area: { shape: "rect", widthMm: 8, heightMm: 6 },
      pattern: { lattice: "hex", coverage: 0.12, seed: 3 },
      sequence: { order: "serpentine", seed: 1 },
      scanner: { fieldMm: [4, 4] },
      raster: { pixelUm: PIX },
    });
    writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
    const run = (args: string[]) => {
      const r = runCli(args, dir);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    };
    run(["scan", "plan.json", "-o", "scan.json", "--heat"]);
    run(["simulate", "scan.json", "--depth", "depth.npy", "--coag", "coag.npy"]);
    run(["simulate", "plan.json", "--depth", "plan-depth.npy"]);
    run(["view", "scan.json", "--depth", "depth.npy", "-o", "page.html"]);
    run(["view", "plan.json", "-o", "simulated.html"]);
    // The same scan embedded at a reduced resolution (the library, with a small pixel budget).
    const file = readScanFile(join(dir, "scan.json"));
    const depth = readNpy(join(dir, "depth.npy"), PIX, [0, 0]);
    const data = buildViewData({
      plan: file.plan,
      area: file.area,
      scan: file.scan,
      depth,
      coagOffsetUm: 50,
      source: "test",
      maxPixels: 100_000,
    });
    expect(data.map.factor).toBe(3);
    writeFileSync(join(dir, "reduced.html"), viewHtml(data));
    browser = await launchBrowser(exe as string);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("counts spots and spots fired by a time as the scan file does", async () => {
    const { page } = await open(join(dir, "page.html"));
    const scan = JSON.parse(readFileSync(join(dir, "scan.json"), "utf8"));
    const t: number[] = scan.spots.tMs;
    const n = t.length;
    const api = await page.evaluate(() => ({
      spotCount: window.laserscanView?.spotCount,
      treatmentMs: window.laserscanView?.treatmentMs,
    }));
    expect(api.spotCount).toBe(n);
    expect(api.treatmentMs).toBe(scan.stats.treatmentMs);
    const times = [
      -1,
      0,
      t[0],
      t[1],
      t[9] - 1e-6,
      t[9],
      (t[n >> 1] + t[(n >> 1) + 1]) / 2,
      t[n - 1],
      scan.stats.treatmentMs,
      1e9,
    ];
    for (const ms of times) {
      const fired = await page.evaluate((x) => window.laserscanView?.setTimeMs(x), ms);
      expect(fired, `fired by ${ms} ms`).toBe(t.filter((v) => v <= ms).length);
    }
    await page.evaluate(() =>
      window.laserscanView?.setTimeMs((window.laserscanView?.treatmentMs ?? 0) * 0.4),
    );
    expect(await page.textContent("#fired")).toMatch(/of [\d,]+ spots fired/);
    await page.screenshot({ path: join(shots, "page.png"), fullPage: true });
  });

  it("reads the depth of the .npy under any point and its exact maximum", async () => {
    const { page } = await open(join(dir, "page.html"));
    const npy = loadNpy(join(dir, "depth.npy"));
    expect([npy.width, npy.height]).toEqual([800, 600]);
    const scan = JSON.parse(readFileSync(join(dir, "scan.json"), "utf8"));
    const pts: [number, number][] = [];
    for (let k = 0; k < 40; k++) pts.push([0.0037 + ((k * 0.7919) % 7.99), 0.0071 + ((k * 0.5813) % 5.99)]);
    for (let k = 0; k < scan.spots.xMm.length; k += 37) pts.push([scan.spots.xMm[k], scan.spots.yMm[k]]);
    const got = await page.evaluate((p) => p.map(([x, y]) => window.laserscanView?.depthAtMm(x, y)), pts);
    const want = pts.map(([x, y]) => npyAt(npy, PIX, x, y));
    expect(got).toEqual(want);
    // Crater centres are ablated: the comparison is not all zeros.
    expect(want.filter((v) => v > 1).length).toBeGreaterThan(10);
    let max = 0;
    for (const v of npy.data) max = Math.max(max, v);
    expect(await page.evaluate(() => window.laserscanView?.maxDepthUm)).toBe(max);
  });

  it("cuts the same section as one computed from the .npy", async () => {
    const { page } = await open(join(dir, "page.html"));
    const npy = loadNpy(join(dir, "depth.npy"));
    const scan = JSON.parse(readFileSync(join(dir, "scan.json"), "utf8"));
    const k = scan.spots.xMm.length >> 1;
    const y = scan.spots.yMm[k];
    const lines: [number, number, number, number][] = [
      [Math.max(0.05, scan.spots.xMm[k] - 1.2), y, Math.min(7.95, scan.spots.xMm[k] + 1.3), y],
      [0.5, 0.4, 7.3, 5.1],
    ];
    for (const [x0, y0, x1, y1] of lines) {
      const got = (await page.evaluate(
        ([a, b, c, d]) => window.laserscanView?.section(a, b, c, d),
        [x0, y0, x1, y1],
      )) as {
        sMm: number;
        depthUm: number;
      }[];
      // Samples every half pixel or closer, both ends included; each reads the pixel it falls in.
      const L = Math.hypot(x1 - x0, y1 - y0);
      const n = Math.ceil(L / (PIX / 2000) - 1e-9);
      expect(got.length).toBe(n + 1);
      for (let i = 0; i <= n; i++) {
        expect(got[i].sMm).toBeCloseTo((L * i) / n, 9);
        const t = i / n;
        expect(got[i].depthUm).toBe(npyAt(npy, PIX, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t));
      }
      expect(Math.max(...got.map((p) => p.depthUm))).toBeGreaterThan(10);
    }
    await page.screenshot({ path: join(shots, "page-section.png"), fullPage: true });
  });

  it("simulates a plan itself when no depth map is given", async () => {
    const { page } = await open(join(dir, "simulated.html"));
    const npy = loadNpy(join(dir, "plan-depth.npy"));
    const pts: [number, number][] = [];
    for (let k = 0; k < 60; k++) pts.push([0.011 + ((k * 0.3917) % 7.98), 0.013 + ((k * 0.2713) % 5.97)]);
    const got = await page.evaluate((p) => p.map(([x, y]) => window.laserscanView?.depthAtMm(x, y)), pts);
    expect(got).toEqual(pts.map(([x, y]) => npyAt(npy, PIX, x, y)));
  });

  it("embeds a large map reduced (block max) and says so", async () => {
    const { page } = await open(join(dir, "reduced.html"));
    const npy = loadNpy(join(dir, "depth.npy"));
    expect(await page.textContent("#mapnote")).toMatch(
      /reduced resolution.*max of 3 × 3 pixels.*steps of 0\.1 µm/,
    );
    const pts: [number, number][] = [];
    for (let k = 0; k < 30; k++) pts.push([0.017 + ((k * 0.7919) % 7.9), 0.019 + ((k * 0.5813) % 5.9)]);
    const got = await page.evaluate((p) => p.map(([x, y]) => window.laserscanView?.depthAtMm(x, y)), pts);
    const want = pts.map(([x, y]) => {
      // The 3 × 3 block of raster pixels (30 µm) holding the point, rows counted from y = 0.
      const I = Math.floor(x / 0.03);
      const J = Math.floor(y / 0.03);
      let m = 0;
      for (let j = 3 * J; j < Math.min(npy.height, 3 * J + 3); j++)
        for (let i = 3 * I; i < Math.min(npy.width, 3 * I + 3); i++)
          m = Math.max(m, npy.data[(npy.height - 1 - j) * npy.width + i]);
      return m;
    });
    // Stored in steps of 0.1 µm: within half a step (and float32 rounding).
    for (let k = 0; k < pts.length; k++)
      expect(Math.abs((got[k] as number) - want[k])).toBeLessThanOrEqual(0.05 + 1e-4);
    expect(want.filter((v) => v > 1).length).toBeGreaterThan(5);
    let max = 0;
    for (const v of npy.data) max = Math.max(max, v);
    expect(await page.evaluate(() => window.laserscanView?.maxDepthUm)).toBe(max);
  });

  it("pans, zooms and cuts a section with the pointer", async () => {
    const { page } = await open(join(dir, "page.html"));
    const box = await page.locator("#map").boundingBox();
    if (!box) throw new Error("no map canvas");
    const before = await page.textContent("#sectioninfo");
    await page.check('input[name="tool"][value="section"]');
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.45);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.55, { steps: 5 });
    await page.mouse.up();
    const after = await page.textContent("#sectioninfo");
    expect(after).not.toBe(before);
    expect(await page.textContent("#readout")).toMatch(/x [\d.]+ mm · y [\d.]+ mm · depth [\d.]+ µm/);
    await page.check('input[name="tool"][value="pan"]');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -900);
    await page.waitForTimeout(100);
    await page.evaluate(() =>
      window.laserscanView?.setTimeMs((window.laserscanView?.treatmentMs ?? 0) * 0.6),
    );
    await page.selectOption("#spotcolor", "heat");
    await page.screenshot({ path: join(shots, "page-zoom.png"), fullPage: true });
  });

  it("made no request and logged no console error on any page", () => {
    expect(opened.length).toBeGreaterThanOrEqual(6);
    for (const o of opened) {
      expect(o.requests, "requests made by the page").toEqual([]);
      expect(o.errors, "console errors").toEqual([]);
    }
  });
});
