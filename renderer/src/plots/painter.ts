// Two ways to draw the same figure: onto a canvas (the screen, PNG export) and into SVG text
// (SVG export). The figure code (figure.ts) draws through this interface only, so what is
// exported is what is on screen.

export interface TextStyle {
  color: string;
  size: number;
  align?: 'left' | 'center' | 'right';
  baseline?: 'top' | 'middle' | 'bottom' | 'alphabetic';
  weight?: number;
  /** Rotated a quarter turn counter-clockwise (a y-axis title). */
  vertical?: boolean;
}

export interface Painter {
  rect(x: number, y: number, w: number, h: number, fill: string): void;
  /** A polyline through flat [x0, y0, x1, y1, …]; NaN breaks the line. */
  line(points: ArrayLike<number>, stroke: string, width: number, dash?: number[]): void;
  text(text: string, x: number, y: number, style: TextStyle): void;
  /** Many small filled rectangles of one colour, at flat [x0, y0, …] (a spike raster). */
  dots(points: ArrayLike<number>, w: number, h: number, fill: string): void;
  measure(text: string, size: number, weight?: number): number;
  clip(x: number, y: number, w: number, h: number): void;
  unclip(): void;
  /** Moves the origin (export all: one figure after another on one page). */
  translate(dx: number, dy: number): void;
}

export const FONT = 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif';

/**
 * Visits the vertices of a polyline given as [x0, y0, x1, y1, ...]. A non-finite coordinate
 * lifts the pen: the next finite vertex starts a new segment (`continues` false).
 */
function walkPolyline(points: ArrayLike<number>, visit: (x: number, y: number, continues: boolean) => void) {
  let pen = false;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i] as number;
    const y = points[i + 1] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    visit(x, y, pen);
    pen = true;
  }
}

export class CanvasPainter implements Painter {
  constructor(private readonly ctx: CanvasRenderingContext2D) {}
  rect(x: number, y: number, w: number, h: number, fill: string) {
    this.ctx.fillStyle = fill;
    this.ctx.fillRect(x, y, w, h);
  }
  line(points: ArrayLike<number>, stroke: string, width: number, dash: number[] = []) {
    const ctx = this.ctx;
    ctx.beginPath();
    walkPolyline(points, (x, y, continues) => (continues ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.strokeStyle = stroke;
    ctx.lineWidth = width;
    ctx.lineJoin = 'round';
    ctx.setLineDash(dash);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  text(text: string, x: number, y: number, s: TextStyle) {
    const ctx = this.ctx;
    ctx.save();
    ctx.font = `${s.weight ?? 400} ${s.size}px ${FONT}`;
    ctx.fillStyle = s.color;
    ctx.textAlign = s.align ?? 'left';
    ctx.textBaseline = s.baseline ?? 'alphabetic';
    ctx.translate(x, y);
    if (s.vertical) ctx.rotate(-Math.PI / 2);
    ctx.fillText(text, 0, 0);
    ctx.restore();
  }
  dots(points: ArrayLike<number>, w: number, h: number, fill: string) {
    const ctx = this.ctx;
    ctx.fillStyle = fill;
    for (let i = 0; i + 1 < points.length; i += 2) ctx.fillRect(points[i] as number, points[i + 1] as number, w, h);
  }
  measure(text: string, size: number, weight = 400): number {
    this.ctx.font = `${weight} ${size}px ${FONT}`;
    return this.ctx.measureText(text).width;
  }
  clip(x: number, y: number, w: number, h: number) {
    this.ctx.save();
    this.ctx.beginPath();
    this.ctx.rect(x, y, w, h);
    this.ctx.clip();
  }
  unclip() {
    this.ctx.restore();
  }
  translate(dx: number, dy: number) {
    this.ctx.translate(dx, dy);
  }
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number) => (Math.round(v * 100) / 100).toString();

/** Builds an SVG document; text is measured with an approximate advance width (no DOM needed). */
export class SvgPainter implements Painter {
  private parts: string[] = [];
  private ox = 0;
  private oy = 0;
  private clips = 0;
  private open = 0;
  rect(x: number, y: number, w: number, h: number, fill: string) {
    this.parts.push(
      `<rect x="${n(x + this.ox)}" y="${n(y + this.oy)}" width="${n(w)}" height="${n(h)}" fill="${fill}"/>`,
    );
  }
  line(points: ArrayLike<number>, stroke: string, width: number, dash: number[] = []) {
    let d = '';
    walkPolyline(points, (x, y, continues) => {
      d += `${continues ? 'L' : 'M'}${n(x + this.ox)} ${n(y + this.oy)}`;
    });
    if (!d) return;
    const dashAttr = dash.length ? ` stroke-dasharray="${dash.join(' ')}"` : '';
    this.parts.push(
      `<path d="${d}" fill="none" stroke="${stroke}" stroke-width="${width}" stroke-linejoin="round"${dashAttr}/>`,
    );
  }
  text(text: string, x: number, y: number, s: TextStyle) {
    const anchor = s.align === 'center' ? 'middle' : s.align === 'right' ? 'end' : 'start';
    const baseline =
      s.baseline === 'top'
        ? 'hanging'
        : s.baseline === 'middle'
          ? 'central'
          : s.baseline === 'bottom'
            ? 'text-after-edge'
            : 'auto';
    const px = n(x + this.ox);
    const py = n(y + this.oy);
    const rotate = s.vertical ? ` transform="rotate(-90 ${px} ${py})"` : '';
    this.parts.push(
      `<text x="${px}" y="${py}" fill="${s.color}" font-size="${s.size}" font-weight="${s.weight ?? 400}" text-anchor="${anchor}" dominant-baseline="${baseline}"${rotate}>${esc(text)}</text>`,
    );
  }
  dots(points: ArrayLike<number>, w: number, h: number, fill: string) {
    let d = '';
    for (let i = 0; i + 1 < points.length; i += 2)
      d += `M${n((points[i] as number) + this.ox)} ${n((points[i + 1] as number) + this.oy)}h${n(w)}v${n(h)}h${n(-w)}z`;
    if (d) this.parts.push(`<path d="${d}" fill="${fill}"/>`);
  }
  measure(text: string, size: number, weight = 400): number {
    return text.length * size * (weight >= 600 ? 0.6 : 0.55);
  }
  clip(x: number, y: number, w: number, h: number) {
    const id = `c${this.clips++}`;
    this.parts.push(
      `<clipPath id="${id}"><rect x="${n(x + this.ox)}" y="${n(y + this.oy)}" width="${n(w)}" height="${n(h)}"/></clipPath><g clip-path="url(#${id})">`,
    );
    this.open++;
  }
  unclip() {
    if (this.open > 0) {
      this.parts.push('</g>');
      this.open--;
    }
  }
  translate(dx: number, dy: number) {
    this.ox += dx;
    this.oy += dy;
  }
  toString(width: number, height: number, background: string): string {
    return [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family='${FONT}'>`,
      `<rect width="${width}" height="${height}" fill="${background}"/>`,
      ...this.parts,
      '</g>'.repeat(this.open),
      '</svg>',
    ].join('\n');
  }
}
