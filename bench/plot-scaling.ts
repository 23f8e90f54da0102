// Draws bench/shd-scaling.svg from the JSON results `engine-shd.ts --hidden 128,256,512,1024`
// prints (its last line, {"results": [...]}): wall and CPU ms per training step against the
// hidden size, ours (exact, and with the sparse backward where run with --sparse) and each
// PyTorch side, both axes log scale.
//
//   npx tsx bench/engine-shd.ts --hidden 128,256,512,1024 --threads 1 --impls snntorch --sparse 0.5 > out.txt
//   npx tsx bench/plot-scaling.ts out.txt [bench/shd-scaling.svg]
import { readFileSync, writeFileSync } from 'node:fs';
import { lastJsonLine } from './common';

interface Row {
  impl: string;
  hidden: number;
  threads: number;
  ms_per_batch_median: number;
  cpu_ms_per_batch_median: number;
  sparse_window?: number | null;
}

const [input, output = new URL('./shd-scaling.svg', import.meta.url).pathname] = process.argv.slice(2);
if (!input) throw new Error('usage: plot-scaling.ts RESULTS.txt [OUT.svg]');
const rows = (lastJsonLine(readFileSync(input, 'utf8')).results as Row[]).filter((r) => r.hidden > 0);
const sizes = [...new Set(rows.map((r) => r.hidden))].sort((a, b) => a - b);
const impls = [...new Set(rows.map((r) => r.impl))];
const W = 560;
const H = 360;
const [x0, x1, y0, y1] = [70, 540, 310, 30];
const values = rows.flatMap((r) => [r.ms_per_batch_median, r.cpu_ms_per_batch_median]);
const lo = Math.log10(Math.min(...values) / 1.3);
const hi = Math.log10(Math.max(...values) * 1.3);
const xs = (h: number) =>
  x0 +
  ((Math.log2(h) - Math.log2(sizes[0] as number)) /
    (Math.log2(sizes.at(-1) as number) - Math.log2(sizes[0] as number))) *
    (x1 - x0);
const ys = (v: number) => y0 - ((Math.log10(v) - lo) / (hi - lo)) * (y0 - y1);
const out: string[] = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  `<title>SHD shape 700-H(recurrent)-20, T=100, batch 256, ${rows[0]?.threads} thread(s): wall and CPU ms per training step against hidden size H</title>`,
  `<rect width="${W}" height="${H}" fill="white"/>`,
];
for (const tick of [10, 30, 100, 300, 1000, 3000, 10000, 30000]) {
  if (Math.log10(tick) < lo || Math.log10(tick) > hi) continue;
  const y = ys(tick).toFixed(1);
  out.push(
    `<line x1="${x0}" y1="${y}" x2="${x1}" y2="${y}" stroke="#ddd"/><text x="${x0 - 6}" y="${(+y + 4).toFixed(1)}" text-anchor="end">${tick}</text>`,
  );
}
for (const h of sizes) {
  const x = xs(h).toFixed(1);
  out.push(
    `<line x1="${x}" y1="${y1}" x2="${x}" y2="${y0}" stroke="#eee"/><text x="${x}" y="${y0 + 16}" text-anchor="middle">${h}</text>`,
  );
}
out.push(`<text x="${(x0 + x1) / 2}" y="${H - 10}" text-anchor="middle">hidden size H (log scale)</text>`);
out.push(
  `<text x="14" y="${(y0 + y1) / 2}" transform="rotate(-90 14 ${(y0 + y1) / 2})" text-anchor="middle">ms per step (log scale)</text>`,
);
let legend = 38;
impls.forEach((impl, i) => {
  const sparse = impl === 'spikewright-fast-sparse';
  const color = sparse ? '#1c7ed6' : impl.startsWith('spikewright') ? '#6a3df0' : ['#d9480f', '#2b8a3e'][i % 2];
  const window = rows.find((r) => r.impl === impl)?.sparse_window;
  const label = sparse
    ? `ours, sparse backward (window ${window})`
    : impl.startsWith('spikewright')
      ? 'ours, exact'
      : `PyTorch ${impl.replace('pytorch-', '')}`;
  for (const [key, dash, what] of [
    ['ms_per_batch_median', '', 'wall'],
    ['cpu_ms_per_batch_median', '4 3', 'CPU'],
  ] as const) {
    const pts = sizes
      .map((h) => rows.find((r) => r.impl === impl && r.hidden === h))
      .filter((r): r is Row => !!r)
      .map((r) => [xs(r.hidden), ys(r[key])] as const);
    out.push(
      `<polyline points="${pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="2" stroke-dasharray="${dash}"/>`,
    );
    for (const [x, y] of pts) out.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${color}"/>`);
    out.push(
      `<line x1="80" y1="${legend}" x2="104" y2="${legend}" stroke="${color}" stroke-width="2" stroke-dasharray="${dash}"/><text x="110" y="${legend + 4}">${label}, ${what}</text>`,
    );
    legend += 16;
  }
});
out.push('</svg>');
writeFileSync(output, `${out.join('\n')}\n`);
console.log(`wrote ${output}`);
