// The memory repros, run in a child process by hostile.test.ts so that their memory is
// measured alone: each must be refused with a sentence, and the process's peak RSS
// (everything it ever held, typed arrays included) must stay under the limit the test sets.
// Prints one JSON line: { cases: [{ name, ms (CPU), message }], maxRssBytes }.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeSnnFile } from '../../shared/file/snnFile';
import { newNode } from '../../shared/graph/document';
import { validateGraph } from '../../shared/graph/validate';
import { exportCommand } from '../cli/exchange';
import { compilePlan } from '../engine/plan';
import { buildGraph } from '../engine/testing';
import { exportNir } from '../nir/export';
import { writeH5 } from '../nir/h5';
import { importNir } from '../nir/import';
import { directEdgeNir, fileWithWeights } from './hostile';

const cases: { name: string; ms: number; message: string }[] = [];

async function refused(name: string, run: () => unknown) {
  // CPU time of this process: wall time on a shared machine measures the other jobs too.
  const start = process.cpuUsage();
  let message = '(accepted)';
  try {
    const result = await run();
    if (Array.isArray(result)) message = result.map((p) => (p as { message: string }).message).join(' | ');
  } catch (e) {
    message = `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
  const used = process.cpuUsage(start);
  cases.push({ name, ms: (used.user + used.system) / 1000, message });
}

const bigGraph = () => buildGraph({ inputs: 100000, classes: 10, timeSteps: 100, hidden: [{ size: 40000 }] });

await refused('NIR Input shape [1e9]', async () => importNir(await writeH5(directEdgeNir([1e9], 1e9))));
await refused('NIR 100,000 x 100,000 direct edge', async () =>
  importNir(await writeH5(directEdgeNir([100000], 100000))),
);
await refused('NIR 30,000 x 30,000 direct edge', async () => importNir(await writeH5(directEdgeNir([30000], 30000))));
await refused('validateGraph: 100,000 inputs x 40,000 hidden', () => validateGraph(bigGraph()));
await refused('compilePlan: 100,000 inputs x 40,000 hidden', () => compilePlan(bigGraph()));
await refused('exportNir: 100,000 inputs x 40,000 hidden', () => exportNir(fileWithWeights(bigGraph())));

// cli export of a small file holding an unconnected population of a billion units.
const lonelyGraph = buildGraph({ inputs: 4, classes: 2, timeSteps: 10, hidden: [{ size: 4 }] });
lonelyGraph.nodes.push(newNode('lif', 'huge', 'huge', { size: 1e9 }));
const lonely = fileWithWeights(lonelyGraph);
const dir = mkdtempSync(join(tmpdir(), 'spikewright-heavy-'));
writeFileSync(join(dir, 'lonely.snn.json'), serializeSnnFile(lonely));
await refused('cli export: unconnected 1e9-unit population', () =>
  exportCommand(join(dir, 'lonely.snn.json'), join(dir, 'lonely.nir'), '0.0.0'),
);
await refused('exportNir (no validation): unconnected 1e9-unit population', () => exportNir(lonely));

process.stdout.write(`${JSON.stringify({ cases, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
