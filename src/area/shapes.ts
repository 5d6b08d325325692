/**
 * Analytic areas (docs/formats.md): rect, circle and ellipse, sizes in mm, bounding box's lower-left
 * corner at `originMm` (default (0, 0)). Spans are closed forms, so inside tests are exact.
 */
import type { AreaSpec } from "../plan/schema.js";
import type { Area } from "./types.js";

/** Vertices used to draw a circle or ellipse outline. */
const OUTLINE_SEGMENTS = 256;

/** An axis-aligned rectangle. */
export class RectArea implements Area {
  readonly shape = "rect" as const;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  readonly areaMm2: number;
  readonly maxSpanValues = 2;
  readonly outlineClosed = true;

  constructor(
    readonly widthMm: number,
    readonly heightMm: number,
    readonly originMm: readonly [number, number] = [0, 0],
  ) {
    this.minX = originMm[0];
    this.minY = originMm[1];
    this.maxX = originMm[0] + widthMm;
    this.maxY = originMm[1] + heightMm;
    this.areaMm2 = widthMm * heightMm;
  }

  contains(x: number, y: number): boolean {
    return x > this.minX && x < this.maxX && y > this.minY && y < this.maxY;
  }

  spans(y: number, out: Float64Array): number {
    if (y <= this.minY || y >= this.maxY) return 0;
    out[0] = this.minX;
    out[1] = this.maxX;
    return 2;
  }

  outline(): Float64Array[] {
    const { minX, minY, maxX, maxY } = this;
    return [Float64Array.of(minX, minY, maxX, minY, maxX, maxY, minX, maxY)];
  }

  toSpec(): AreaSpec {
    return {
      shape: "rect",
      widthMm: this.widthMm,
      heightMm: this.heightMm,
      originMm: [this.minX, this.minY],
    };
  }
}

/** An axis-aligned ellipse (a circle when both sizes are equal). */
export class EllipseArea implements Area {
  readonly shape: "circle" | "ellipse";
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  readonly areaMm2: number;
  readonly maxSpanValues = 2;
  readonly outlineClosed = true;
  private readonly cx: number;
  private readonly cy: number;
  private readonly a: number;
  private readonly b: number;

  constructor(
    readonly widthMm: number,
    readonly heightMm: number,
    readonly originMm: readonly [number, number] = [0, 0],
    circle = false,
  ) {
    this.shape = circle ? "circle" : "ellipse";
    this.a = widthMm / 2;
    this.b = heightMm / 2;
    this.cx = originMm[0] + this.a;
    this.cy = originMm[1] + this.b;
    this.minX = originMm[0];
    this.minY = originMm[1];
    this.maxX = originMm[0] + widthMm;
    this.maxY = originMm[1] + heightMm;
    this.areaMm2 = Math.PI * this.a * this.b;
  }

  /** Half-width of the ellipse at height y, or -1 outside. */
  private halfWidth(y: number): number {
    const t = (y - this.cy) / this.b;
    const q = 1 - t * t;
    return q > 0 ? this.a * Math.sqrt(q) : -1;
  }

  contains(x: number, y: number): boolean {
    const h = this.halfWidth(y);
    return h > 0 && x >= this.cx - h && x < this.cx + h;
  }

  spans(y: number, out: Float64Array): number {
    const h = this.halfWidth(y);
    if (h <= 0) return 0;
    out[0] = this.cx - h;
    out[1] = this.cx + h;
    return 2;
  }

  outline(): Float64Array[] {
    const ring = new Float64Array(2 * OUTLINE_SEGMENTS);
    for (let i = 0; i < OUTLINE_SEGMENTS; i++) {
      const t = (2 * Math.PI * i) / OUTLINE_SEGMENTS;
      ring[2 * i] = this.cx + this.a * Math.cos(t);
      ring[2 * i + 1] = this.cy + this.b * Math.sin(t);
    }
    return [ring];
  }

  toSpec(): AreaSpec {
    const originMm: [number, number] = [this.minX, this.minY];
    return this.shape === "circle"
      ? { shape: "circle", diameterMm: this.widthMm, originMm }
      : { shape: "ellipse", widthMm: this.widthMm, heightMm: this.heightMm, originMm };
  }
}
