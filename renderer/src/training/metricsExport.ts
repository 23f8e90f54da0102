// Metrics and plots leave the app as files: CSV for the numbers, SVG or PNG for the pictures.
import type { TrainingRun } from './trainingSlice';

export function metricsCsv(run: TrainingRun): string {
  const lines = ['kind,epoch,batch,step,loss,accuracy,validation_loss,validation_accuracy'];
  const perEpoch = Math.max(1, run.batchesPerEpoch);
  run.batchX.forEach((x, i) => {
    const epoch = Math.floor((x - 1) / perEpoch) + 1;
    const batch = x - (epoch - 1) * perEpoch;
    lines.push(`batch,${epoch},${batch},${x},${run.batchLoss[i]},${run.batchAcc[i]},,`);
  });
  run.epochX.forEach((x, i) => {
    const cell = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
    lines.push(
      `epoch,${i + 1},,${x},${cell(run.epochTrainLoss[i])},${cell(run.epochTrainAcc[i])},${cell(run.epochValLoss[i])},${cell(run.epochValAcc[i])}`,
    );
  });
  return `${lines.join('\n')}\n`;
}

/** A standalone SVG line chart of the given series, sharing one x axis. */
export function linesSvg(
  title: string,
  x: number[],
  series: { label: string; color: string; values: (number | null)[] }[],
  width = 640,
  height = 360,
): string {
  const pad = { left: 56, right: 16, top: 32, bottom: 40 };
  const ys = series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const xMin = Math.min(...x, 0);
  const xMax = Math.max(...x, 1);
  let yMin = ys.length ? Math.min(...ys) : 0;
  let yMax = ys.length ? Math.max(...ys) : 1;
  if (yMin === yMax) {
    yMin -= 0.5;
    yMax += 0.5;
  }
  const px = (v: number) => pad.left + ((v - xMin) / (xMax - xMin || 1)) * (width - pad.left - pad.right);
  const py = (v: number) => height - pad.bottom - ((v - yMin) / (yMax - yMin)) * (height - pad.top - pad.bottom);
  const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const paths = series.map((s) => {
    let d = '';
    let pen = 'M';
    s.values.forEach((v, i) => {
      const xv = x[i];
      if (v === null || !Number.isFinite(v) || xv === undefined) {
        pen = 'M';
        return;
      }
      d += `${pen}${px(xv).toFixed(1)},${py(v).toFixed(1)} `;
      pen = 'L';
    });
    return `<path d="${d.trim()}" fill="none" stroke="${s.color}" stroke-width="1.5"><title>${escapeXml(s.label)}</title></path>`;
  });
  const legend = series
    .map(
      (s, i) => `<text x="${pad.left + i * 140}" y="20" fill="${s.color}" font-size="12">${escapeXml(s.label)}</text>`,
    )
    .join('');
  const ticks = [yMin, (yMin + yMax) / 2, yMax]
    .map(
      (v) => `<text x="${pad.left - 6}" y="${py(v) + 4}" text-anchor="end" font-size="11">${v.toPrecision(3)}</text>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    `<title>${escapeXml(title)}</title><rect width="100%" height="100%" fill="white"/>`,
    `<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="#999"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="#999"/>`,
    ticks,
    `<text x="${width / 2}" y="${height - 8}" text-anchor="middle" font-size="11">batch</text>`,
    legend,
    ...paths,
    '</svg>',
  ].join('');
}
