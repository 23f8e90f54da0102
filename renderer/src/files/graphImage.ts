// The network as a standalone picture (SVG, or PNG rendered from it), drawn from the document
// rather than scraped from the DOM, so it is crisp at any size and needs no extra library.

import type { Layout } from '../../../shared/file/snnFile';
import type { GraphDocument, GraphNode } from '../../../shared/graph/document';
import { nodeKindInfo } from '../../../shared/graph/kinds';
import { datasetShape, weightCount } from '../../../shared/graph/shapes';
import { delayText, modelName } from '../canvas/labels';

const COLORS: Record<GraphNode['kind'], string> = {
  dataset: '#0e9384',
  lif: '#5b5bd6',
  readout: '#d97706',
  loss: '#dc2626',
  regularizer: '#7c3aed',
  training: '#475467',
};
const WIDTH = 190;

function detail(node: GraphNode): string {
  switch (node.kind) {
    case 'dataset': {
      const s = datasetShape(node.params);
      return `${s.units} inputs · ${s.classes} classes · T=${node.params.timeSteps}`;
    }
    case 'lif':
      return `${node.params.size} ${modelName(node.params)} · τ ${node.params.tauMem}/${node.params.tauSyn} ms`;
    case 'readout':
      return `${node.params.size} LI · τ ${node.params.tauMem}/${node.params.tauSyn} ms`;
    case 'loss':
      return node.params.loss;
    case 'regularizer':
      return `${node.params.bound} bound · λ ${node.params.strength}`;
    case 'training':
      return `${node.params.optimizer} · lr ${node.params.learningRate} · ${node.params.epochs} epochs`;
  }
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function graphSvg(
  graph: GraphDocument,
  layout: Layout,
  options: { dark?: boolean } = {},
): { svg: string; width: number; height: number } {
  const height = 64;
  const pos = (id: string) => layout.positions[id] ?? { x: 0, y: 0 };
  const xs = graph.nodes.map((n) => pos(n.id).x);
  const ys = graph.nodes.map((n) => pos(n.id).y);
  const pad = 40;
  const minX = Math.min(0, ...xs) - pad;
  const minY = Math.min(0, ...ys) - pad;
  const width = Math.max(...xs.map((x) => x + WIDTH), 200) - minX + pad;
  const fullHeight = Math.max(...ys.map((y) => y + height), 100) - minY + pad;
  const fg = options.dark ? '#e4e7ec' : '#1d2330';
  const muted = options.dark ? '#98a2b3' : '#667085';
  const bg = options.dark ? '#16181d' : '#ffffff';
  const card = options.dark ? '#1f2229' : '#ffffff';
  const parts: string[] = [];
  for (const edge of graph.edges) {
    const a = pos(edge.source);
    const b = pos(edge.target);
    const stroke = edge.kind === 'signal' ? `stroke="${muted}" stroke-dasharray="5 4"` : `stroke="${fg}"`;
    if (edge.source === edge.target) {
      const x = a.x - minX + WIDTH - 30;
      const y = a.y - minY;
      parts.push(
        `<path d="M${x},${y} C${x + 60},${y - 70} ${x - 90},${y - 70} ${x - 60},${y}" fill="none" ${stroke} stroke-width="1.5" marker-end="url(#arrow)"/>`,
      );
      continue;
    }
    const x1 = a.x - minX + WIDTH;
    const y1 = a.y - minY + height / 2;
    const x2 = b.x - minX;
    const y2 = b.y - minY + height / 2;
    const mid = (x1 + x2) / 2;
    parts.push(
      `<path d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}" fill="none" ${stroke} stroke-width="1.5" marker-end="url(#arrow)"/>`,
    );
    const delay = edge.kind === 'connection' ? delayText(edge.params) : null;
    if (edge.kind === 'connection')
      parts.push(
        `<text x="${mid}" y="${(y1 + y2) / 2 - 6}" text-anchor="middle" font-size="11" fill="${muted}">${weightCount(graph, edge).toLocaleString('en')} weights${delay ? ` · ${escapeXml(delay)}` : ''}</text>`,
      );
  }
  for (const node of graph.nodes) {
    const { x, y } = pos(node.id);
    const left = x - minX;
    const top = y - minY;
    const color = COLORS[node.kind];
    parts.push(
      `<g><rect x="${left}" y="${top}" width="${WIDTH}" height="${height}" rx="10" fill="${card}" stroke="${color}" stroke-width="1.5"/>`,
      `<rect x="${left}" y="${top}" width="5" height="${height}" rx="2" fill="${color}"/>`,
      `<text x="${left + 14}" y="${top + 17}" font-size="10" font-weight="600" fill="${color}">${escapeXml(nodeKindInfo[node.kind].label.toUpperCase())}</text>`,
      `<text x="${left + 14}" y="${top + 36}" font-size="14" font-weight="600" fill="${fg}">${escapeXml(node.name)}</text>`,
      `<text x="${left + 14}" y="${top + 54}" font-size="11" fill="${muted}">${escapeXml(detail(node))}</text></g>`,
    );
  }
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${fullHeight}" viewBox="0 0 ${width} ${fullHeight}" font-family="system-ui, sans-serif">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${muted}"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="${bg}"/>`,
    ...parts,
    '</svg>',
  ].join('\n');
  return { svg, width, height: fullHeight };
}

/** Renders the SVG into a PNG at `scale` times its size. */
export async function svgToPng(svg: string, width: number, height: number, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('The picture could not be rendered'));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('No 2D canvas');
    ctx.scale(scale, scale);
    ctx.drawImage(image, 0, 0);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
