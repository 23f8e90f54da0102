// A figure (or all of them, as one page) leaves the app as PNG, SVG or CSV, named after the
// document's file: "fashion-mnist-loss.png", "randman-training.svg".
import { FILE_EXTENSION } from '../../../shared/file/snnFile';
import { downloadFile } from '../files/download';
import { drawFigure, drawHeader, type Figure, figureCsv, type PlotTheme } from './figure';
import { CanvasPainter, type Painter, SvgPainter } from './painter';

export type ExportFormat = 'png' | 'svg' | 'csv';

const FIGURE_W = 640;
const FIGURE_H = 400;

export const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/\(.*?\)/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'plot';

/** The document's file name without its extension: what exports are named after. */
export function exportBase(fileName: string): string {
  const base = fileName.endsWith(FILE_EXTENSION)
    ? fileName.slice(0, -FILE_EXTENSION.length)
    : fileName.replace(/\.[^.]+$/, '');
  return slug(base) || 'untitled';
}

function drawOne(p: Painter, fig: Figure, t: PlotTheme, w: number, h: number) {
  const top = drawHeader(p, fig, w, t);
  p.translate(0, top);
  drawFigure(p, fig, w, h - top, t);
  p.translate(0, -top);
}

/** Several figures on one page, two to a row, with a title line. */
function drawPage(p: Painter, title: string, figures: Figure[], t: PlotTheme, columns: number) {
  p.text(title, 12, 12, { color: t.text, size: 15, weight: 700, baseline: 'top' });
  figures.forEach((fig, i) => {
    const x = (i % columns) * FIGURE_W;
    const y = 40 + Math.floor(i / columns) * FIGURE_H;
    p.translate(x, y);
    drawOne(p, fig, t, FIGURE_W, FIGURE_H - 12);
    p.translate(-x, -y);
  });
}

function pageSize(count: number, columns: number) {
  return { width: FIGURE_W * Math.min(columns, count), height: 40 + Math.ceil(count / columns) * FIGURE_H };
}

async function png(width: number, height: number, t: PlotTheme, draw: (p: Painter) => void): Promise<Blob> {
  const scale = 2;
  const canvas = document.createElement('canvas');
  canvas.width = width * scale;
  canvas.height = height * scale;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw images (no 2D canvas).');
  ctx.scale(scale, scale);
  ctx.fillStyle = t.background;
  ctx.fillRect(0, 0, width, height);
  draw(new CanvasPainter(ctx));
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The image could not be encoded.'))), 'image/png'),
  );
}

export function figureSvg(fig: Figure, t: PlotTheme): string {
  const p = new SvgPainter();
  drawOne(p, fig, t, FIGURE_W, FIGURE_H);
  return p.toString(FIGURE_W, FIGURE_H, t.background);
}

export function pageSvg(title: string, figures: Figure[], t: PlotTheme, columns = 2): string {
  const p = new SvgPainter();
  drawPage(p, title, figures, t, columns);
  const { width, height } = pageSize(figures.length, columns);
  return p.toString(width, height, t.background);
}

export async function exportFigure(fig: Figure, format: ExportFormat, base: string, t: PlotTheme) {
  const name = `${base}-${slug(fig.title)}.${format}`;
  if (format === 'csv') downloadFile(name, figureCsv(fig), 'text/csv');
  else if (format === 'svg') downloadFile(name, figureSvg(fig, t), 'image/svg+xml');
  else downloadFile(name, await png(FIGURE_W, FIGURE_H, t, (p) => drawOne(p, fig, t, FIGURE_W, FIGURE_H)), 'image/png');
  return name;
}

/** Every figure as one page (PNG or SVG), named `<file>-training.<ext>`. */
export async function exportAllFigures(
  title: string,
  figures: Figure[],
  format: 'png' | 'svg',
  base: string,
  t: PlotTheme,
) {
  const name = `${base}-training.${format}`;
  if (format === 'svg') downloadFile(name, pageSvg(title, figures, t), 'image/svg+xml');
  else {
    const { width, height } = pageSize(figures.length, 2);
    downloadFile(name, await png(width, height, t, (p) => drawPage(p, title, figures, t, 2)), 'image/png');
  }
  return name;
}
