import { describe, expect, it } from 'vitest';
import {
  decimate,
  drawFigure,
  type Figure,
  figureCsv,
  lightPlotTheme,
  niceTicks,
  rasterBands,
  tickLabels,
} from './figure';
import { SvgPainter } from './painter';

describe('figures', () => {
  it('picks round ticks that cover the range', () => {
    expect(niceTicks(0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0.1, 0.35, 5)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
  });

  it('keeps at most two points per pixel column, and the extremes', () => {
    const x = Array.from({ length: 10_000 }, (_, i) => i);
    const v = x.map((i) => (i === 5000 ? 100 : Math.sin(i)));
    const pts = decimate(
      x,
      v,
      (i) => i / 100,
      (y) => -y,
    );
    expect(pts.length / 2).toBeLessThanOrEqual(2 * 101);
    expect(Math.min(...pts.filter((_, i) => i % 2 === 1))).toBe(-100);
  });

  it('gives every population a band, none thinner than a quarter of the largest', () => {
    const bands = rasterBands([784, 10], 400);
    expect(bands[1]?.h).toBeGreaterThan((bands[0]?.h ?? 0) / 4 - 1);
    expect(bands[0]?.y).toBeGreaterThan(bands[1]?.y ?? 0); // the first is drawn lowest
  });

  it('draws titled axes into SVG and writes the same data as CSV', () => {
    const fig: Figure = {
      kind: 'lines',
      title: 'Loss',
      xLabel: 'Batch',
      yLabel: 'Loss <nats>',
      x: [1, 2, 3],
      series: [{ label: 'train', color: '#f00', values: [3, null, 1] }],
    };
    const p = new SvgPainter();
    drawFigure(p, fig, 400, 300, lightPlotTheme);
    const svg = p.toString(400, 300, '#fff');
    expect(svg).toContain('>Batch</text>');
    expect(svg).toContain('Loss &lt;nats&gt;');
    expect(figureCsv(fig)).toBe('Batch,train\n1,3\n3,1\n');
  });

  it('labels the confusion matrix true against predicted', () => {
    const fig: Figure = {
      kind: 'matrix',
      title: 'C',
      xLabel: 'Predicted class',
      yLabel: 'True class',
      matrix: [
        [2, 1],
        [0, 3],
      ],
    };
    expect(figureCsv(fig)).toBe('true \\ predicted,0,1\n0,2,1\n1,0,3\n');
  });
});

describe('tick labels', () => {
  it('keep three significant digits, and take more where neighbouring ticks would read the same', () => {
    expect(tickLabels([0, 20, 40]).map((t) => t.label)).toEqual(['0', '20', '40']);
    expect(tickLabels([2.294, 2.296, 2.298, 2.3]).map((t) => t.label)).toEqual(['2.294', '2.296', '2.298', '2.3']);
    expect(tickLabels([0.15, 0.2, 0.25]).map((t) => t.label)).toEqual(['0.15', '0.2', '0.25']);
  });
});
