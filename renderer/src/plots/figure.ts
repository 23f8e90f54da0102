// The training view's figures as data (what to draw) and one drawing routine per kind, through
// a Painter: so the screen, the PNG and the SVG of a plot are the same picture, each with
// titled axes and units. CSV export reads the same data.
import type { Painter } from './painter';

export interface PlotTheme {
  background: string;
  text: string;
  muted: string;
  /** Grid lines: faint in both themes, so they never drown the data. */
  grid: string;
  axis: string;
  accent: string;
}

export const lightPlotTheme: PlotTheme = {
  background: '#ffffff',
  text: '#1b2130',
  muted: '#5f6b7f',
  grid: 'rgba(16, 24, 40, 0.08)',
  axis: '#98a2b3',
  accent: '#5b5bd6',
};

export const darkPlotTheme: PlotTheme = {
  background: '#181b24',
  text: '#e6e8ee',
  muted: '#a0a8b8',
  grid: 'rgba(255, 255, 255, 0.07)',
  axis: '#4a5263',
  accent: '#8b8cf7',
};

export interface LineSeries {
  label: string;
  color: string;
  values: ArrayLike<number | null>;
  dashed?: boolean;
  width?: number;
}

interface Common {
  title: string;
  xLabel: string;
  yLabel: string;
}

export type Figure =
  | (Common & {
      kind: 'lines';
      x: ArrayLike<number>;
      series: LineSeries[];
      /** Fixed y range (accuracy: 0–100); otherwise the data's, padded. */
      yDomain?: [number, number];
    })
  | (Common & {
      kind: 'raster';
      /** Milliseconds per step. */
      dt: number;
      timeSteps: number;
      /** Populations stacked bottom to top in this order; events are flat [step, unit] pairs. */
      groups: { name: string; size: number; events: ArrayLike<number>; color: string }[];
    })
  | (Common & {
      kind: 'bars';
      /** Bin edges (bins + 1 values). */
      edges: number[];
      series: { label: string; color: string; counts: number[] }[];
    })
  | (Common & { kind: 'matrix'; matrix: number[][]; labels?: string[] });

export const legendOf = (figure: Figure): { label: string; color: string; dashed?: boolean }[] =>
  figure.kind === 'lines' || figure.kind === 'bars'
    ? figure.series.map((s) => ({
        label: s.label,
        color: s.color,
        ...('dashed' in s && s.dashed ? { dashed: true } : {}),
      }))
    : figure.kind === 'raster'
      ? figure.groups.map((g) => ({ label: `${g.name} (${g.size})`, color: g.color }))
      : [];

/** Round tick values covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi <= lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  // From integer multiples, rounded to 12 digits: 0.15, not 0.15000000000000002.
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++)
    out.push(Number((k * step).toPrecision(12)) + 0);
  return out;
}

export function formatTick(v: number, digits = 3): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(Math.max(0, digits - 3));
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  return String(Number(v.toPrecision(digits)));
}

/**
 * Labels for a run of ticks: three significant digits, or as many more as it takes for
 * neighbouring ticks to read differently (a loss axis from 2.296 to 2.302 reads 2.296, 2.298,
 * ..., not 2.3 four times).
 */
export function tickLabels(values: number[]): { at: number; label: string }[] {
  for (let digits = 3; ; digits++) {
    const labels = values.map((v) => formatTick(v, digits));
    if (digits >= 10 || labels.every((l, i) => i === 0 || l !== labels[i - 1]))
      return values.map((at, i) => ({ at, label: labels[i] as string }));
  }
}

interface Frame {
  x0: number;
  y0: number;
  w: number;
  h: number;
}

const TICK = 11;
const LABEL = 11.5;

/** Axes, grid and axis titles; returns where the data goes. */
function drawAxes(
  p: Painter,
  t: PlotTheme,
  width: number,
  height: number,
  fig: Common,
  x: { lo: number; hi: number; ticks?: { at: number; label: string }[] },
  y: { lo: number; hi: number; ticks?: { at: number; label: string }[]; labelWidth?: number },
): Frame & { sx: (v: number) => number; sy: (v: number) => number } {
  const yTicks = y.ticks ?? tickLabels(niceTicks(y.lo, y.hi, Math.max(2, Math.floor(height / 40))));
  const tickW = Math.max(12, y.labelWidth ?? 0, ...yTicks.map((k) => p.measure(k.label, TICK)));
  const left = 18 + tickW + 8;
  const f: Frame = { x0: left, y0: 8, w: Math.max(10, width - left - 12), h: Math.max(10, height - 8 - 38) };
  const sx = (v: number) => f.x0 + ((v - x.lo) / (x.hi - x.lo || 1)) * f.w;
  const sy = (v: number) => f.y0 + f.h - ((v - y.lo) / (y.hi - y.lo || 1)) * f.h;
  const xTicks = x.ticks ?? tickLabels(niceTicks(x.lo, x.hi, Math.max(2, Math.floor(f.w / 70))));
  for (const k of yTicks) {
    const py = sy(k.at);
    if (py < f.y0 - 0.5 || py > f.y0 + f.h + 0.5) continue;
    p.line([f.x0, py, f.x0 + f.w, py], t.grid, 1);
    p.text(k.label, f.x0 - 5, py, { color: t.muted, size: TICK, align: 'right', baseline: 'middle' });
  }
  for (const k of xTicks) {
    const px = sx(k.at);
    if (px < f.x0 - 0.5 || px > f.x0 + f.w + 0.5) continue;
    p.line([px, f.y0, px, f.y0 + f.h], t.grid, 1);
    p.text(k.label, px, f.y0 + f.h + 5, { color: t.muted, size: TICK, align: 'center', baseline: 'top' });
  }
  p.line([f.x0, f.y0, f.x0, f.y0 + f.h, f.x0 + f.w, f.y0 + f.h], t.axis, 1);
  p.text(fig.xLabel, f.x0 + f.w / 2, height - 4, { color: t.text, size: LABEL, align: 'center', baseline: 'bottom' });
  p.text(fig.yLabel, 4, f.y0 + f.h / 2, {
    color: t.text,
    size: LABEL,
    align: 'center',
    baseline: 'top',
    vertical: true,
  });
  return { ...f, sx, sy };
}

function extent(values: ArrayLike<number | null>, into: [number, number]) {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    if (v < into[0]) into[0] = v;
    if (v > into[1]) into[1] = v;
  }
}

/** Draws the figure's body (axes and data) into width x height at the painter's origin. */
export function drawFigure(p: Painter, fig: Figure, width: number, height: number, t: PlotTheme) {
  switch (fig.kind) {
    case 'lines':
      return drawLines(p, fig, width, height, t);
    case 'raster':
      return drawRaster(p, fig, width, height, t);
    case 'bars':
      return drawBars(p, fig, width, height, t);
    case 'matrix':
      return drawMatrix(p, fig, width, height, t);
  }
}

function drawLines(p: Painter, fig: Extract<Figure, { kind: 'lines' }>, width: number, height: number, t: PlotTheme) {
  const xs: [number, number] = [Infinity, -Infinity];
  extent(fig.x, xs);
  if (!Number.isFinite(xs[0])) xs.splice(0, 2, 0, 1);
  if (xs[1] === xs[0]) xs[1] = xs[0] + 1;
  let ys: [number, number] = [Infinity, -Infinity];
  if (fig.yDomain) ys = [...fig.yDomain];
  else {
    for (const s of fig.series) extent(s.values, ys);
    if (!Number.isFinite(ys[0])) ys = [0, 1];
    const pad = (ys[1] - ys[0]) * 0.06 || Math.abs(ys[0]) * 0.1 || 1;
    ys = [ys[0] - pad, ys[1] + pad];
  }
  const f = drawAxes(p, t, width, height, fig, { lo: xs[0], hi: xs[1] }, { lo: ys[0], hi: ys[1] });
  p.clip(f.x0, f.y0 - 1, f.w + 1, f.h + 2);
  for (const s of fig.series)
    p.line(decimate(fig.x, s.values, f.sx, f.sy), s.color, s.width ?? 1.6, s.dashed ? [5, 3] : []);
  p.unclip();
}

/**
 * Screen points of a series, at most about two per pixel column (the min and max of the
 * values that fall in it), so a 10,000-batch curve costs what a 600-point one does.
 * Gaps (null) are bridged: epoch values sit at their batch positions with nulls between.
 */
export function decimate(
  x: ArrayLike<number>,
  values: ArrayLike<number | null>,
  sx: (v: number) => number,
  sy: (v: number) => number,
): number[] {
  const out: number[] = [];
  let column = Number.NaN;
  let lo = 0;
  let hi = 0;
  let first = 0;
  let last = 0;
  const flush = () => {
    if (Number.isNaN(column)) return;
    if (lo === hi) out.push(column, sy(lo));
    else {
      const a = first <= last ? [lo, hi] : [hi, lo];
      out.push(column, sy(a[0] as number), column, sy(a[1] as number));
    }
  };
  const n = Math.min(x.length, values.length);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    const c = Math.round(sx(x[i] as number));
    if (c !== column) {
      flush();
      column = c;
      lo = hi = first = last = v;
    } else {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      last = v;
    }
  }
  flush();
  return out;
}

/** Band heights for stacked populations: by size, but none thinner than a quarter of the largest. */
export function rasterBands(sizes: number[], height: number): { y: number; h: number }[] {
  const largest = Math.max(1, ...sizes);
  const weights = sizes.map((s) => Math.max(s, largest / 4));
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  const gap = sizes.length > 1 ? 4 : 0;
  const usable = height - gap * (sizes.length - 1);
  const out: { y: number; h: number }[] = [];
  let y = height;
  for (const w of weights) {
    const h = (w / total) * usable;
    y -= h;
    out.push({ y, h });
    y -= gap;
  }
  return out;
}

function drawRaster(p: Painter, fig: Extract<Figure, { kind: 'raster' }>, width: number, height: number, t: PlotTheme) {
  const duration = fig.timeSteps * fig.dt;
  // The y axis is labelled per population (its name at the band's middle), not by a number scale.
  const labelWidth = Math.max(0, ...fig.groups.map((g) => p.measure(g.name, TICK, 600)));
  const f = drawAxes(p, t, width, height, fig, { lo: 0, hi: duration || 1 }, { lo: 0, hi: 1, ticks: [], labelWidth });
  const bands = rasterBands(
    fig.groups.map((g) => g.size),
    f.h,
  );
  p.clip(f.x0, f.y0, f.w, f.h);
  fig.groups.forEach((g, i) => {
    const band = bands[i];
    if (!band) return;
    const top = f.y0 + band.y;
    if (i > 0) p.line([f.x0, top + band.h + 2, f.x0 + f.w, top + band.h + 2], t.grid, 1);
    const dotW = Math.max(1, f.w / Math.max(1, fig.timeSteps));
    const dotH = Math.max(1, band.h / Math.max(1, g.size));
    const pts = new Float32Array(g.events.length);
    for (let e = 0; e + 1 < g.events.length; e += 2) {
      const step = g.events[e] as number;
      const unit = g.events[e + 1] as number;
      pts[e] = f.x0 + (step / Math.max(1, fig.timeSteps)) * f.w;
      pts[e + 1] = top + band.h - ((unit + 1) / Math.max(1, g.size)) * band.h;
    }
    p.dots(pts, Math.max(1.5, Math.min(dotW, 3)), Math.max(1.5, Math.min(dotH, 3)), g.color);
  });
  p.unclip();
  fig.groups.forEach((g, i) => {
    const band = bands[i];
    if (!band) return;
    const label = `${g.name}`;
    p.text(label, f.x0 - 5, f.y0 + band.y + band.h / 2, {
      color: g.color,
      size: TICK,
      align: 'right',
      baseline: 'middle',
      weight: 600,
    });
  });
}

function drawBars(p: Painter, fig: Extract<Figure, { kind: 'bars' }>, width: number, height: number, t: PlotTheme) {
  const lo = fig.edges[0] ?? 0;
  const hi = fig.edges[fig.edges.length - 1] ?? 1;
  const peak = Math.max(1, ...fig.series.flatMap((s) => s.counts));
  const f = drawAxes(p, t, width, height, fig, { lo, hi: hi > lo ? hi : lo + 1 }, { lo: 0, hi: peak * 1.05 });
  const k = Math.max(1, fig.series.length);
  for (let b = 0; b + 1 < fig.edges.length; b++) {
    const x0 = f.sx(fig.edges[b] as number);
    const x1 = f.sx(fig.edges[b + 1] as number);
    const w = Math.max(1, (x1 - x0 - 1) / k);
    fig.series.forEach((s, i) => {
      const c = s.counts[b] ?? 0;
      if (c <= 0) return;
      const y = f.sy(c);
      p.rect(x0 + 0.5 + i * w, y, Math.max(1, w - 0.5), f.y0 + f.h - y, s.color);
    });
  }
}

function drawMatrix(p: Painter, fig: Extract<Figure, { kind: 'matrix' }>, width: number, height: number, t: PlotTheme) {
  const n = fig.matrix.length;
  const labels = fig.labels ?? fig.matrix.map((_, i) => String(i));
  const ticks = labels.map((label, i) => ({ at: i + 0.5, label }));
  const yTicks = labels.map((label, i) => ({ at: n - i - 0.5, label }));
  const f = drawAxes(p, t, width, height, fig, { lo: 0, hi: n || 1, ticks }, { lo: 0, hi: n || 1, ticks: yTicks });
  const rowSums = fig.matrix.map((row) => row.reduce((a, b) => a + b, 0) || 1);
  const cw = f.w / Math.max(1, n);
  const ch = f.h / Math.max(1, n);
  const size = Math.min(11, ch * 0.55, cw * 0.35);
  fig.matrix.forEach((row, i) => {
    row.forEach((count, j) => {
      // Shaded by the share of the true class (row), so every class reads alike.
      const share = count / (rowSums[i] as number);
      p.rect(f.x0 + j * cw + 0.5, f.y0 + i * ch + 0.5, cw - 1, ch - 1, withAlpha(t.accent, 0.06 + 0.94 * share));
      if (size >= 6)
        p.text(String(count), f.x0 + (j + 0.5) * cw, f.y0 + (i + 0.5) * ch, {
          color: share > 0.5 ? '#ffffff' : t.text,
          size,
          align: 'center',
          baseline: 'middle',
        });
    });
  });
}

function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  return `rgba(${parseInt(m[1] as string, 16)}, ${parseInt(m[2] as string, 16)}, ${parseInt(m[3] as string, 16)}, ${alpha.toFixed(3)})`;
}

/** Title and legend above the body, for exports (on screen the panel's header shows them). */
export function drawHeader(p: Painter, fig: Figure, width: number, t: PlotTheme): number {
  p.text(fig.title, 8, 8, { color: t.text, size: 13, weight: 650, baseline: 'top' });
  let x = 8;
  let y = 28;
  for (const item of legendOf(fig)) {
    const w = 18 + p.measure(item.label, 11) + 14;
    if (x + w > width - 8 && x > 8) {
      x = 8;
      y += 16;
    }
    p.line([x, y + 6, x + 14, y + 6], item.color, 2.5, item.dashed ? [4, 2] : []);
    p.text(item.label, x + 18, y + 6, { color: t.muted, size: 11, baseline: 'middle' });
    x += w;
  }
  return legendOf(fig).length ? y + 18 : 30;
}

/** The figure's data as CSV (one table per figure). */
export function figureCsv(fig: Figure): string {
  const rows: (string | number)[][] = [];
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  switch (fig.kind) {
    case 'lines':
      rows.push([fig.xLabel, ...fig.series.map((s) => s.label)]);
      for (let i = 0; i < fig.x.length; i++) {
        const cells = fig.series.map((s) => s.values[i] ?? '');
        if (cells.every((c) => c === '')) continue;
        rows.push([fig.x[i] as number, ...cells]);
      }
      break;
    case 'raster':
      rows.push(['population', 'time_ms', 'neuron']);
      for (const g of fig.groups)
        for (let e = 0; e + 1 < g.events.length; e += 2)
          rows.push([q(g.name), (g.events[e] as number) * fig.dt, g.events[e + 1] as number]);
      break;
    case 'bars':
      rows.push(['bin_from', 'bin_to', ...fig.series.map((s) => q(s.label))]);
      for (let b = 0; b + 1 < fig.edges.length; b++)
        rows.push([fig.edges[b] as number, fig.edges[b + 1] as number, ...fig.series.map((s) => s.counts[b] ?? 0)]);
      break;
    case 'matrix': {
      const labels = fig.labels ?? fig.matrix.map((_, i) => String(i));
      rows.push(['true \\ predicted', ...labels.map(q)]);
      fig.matrix.forEach((row, i) => {
        rows.push([q(labels[i] ?? String(i)), ...row]);
      });
      break;
    }
  }
  return `${rows.map((r) => r.join(',')).join('\n')}\n`;
}
