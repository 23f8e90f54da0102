// A small Randman document for the experiments' tests (a few hundred samples, 24 hidden units).
import { newSnnFile, serializeSnnFile } from '../../shared/file/snnFile';
import { buildGraph } from '../engine/testing';

export function smallRandmanDocument(): string {
  const graph = buildGraph({
    inputs: 20,
    classes: 3,
    timeSteps: 40,
    hidden: [{ size: 24, tauMem: 20, tauSyn: 10 }],
    training: { batchSize: 16, learningRate: 2e-3, surrogateScale: 20, epochs: 1 },
  });
  const data = graph.nodes.find((n) => n.kind === 'dataset');
  if (data?.kind === 'dataset') Object.assign(data.params, { dataset: 'randman', samplesPerClass: 40 });
  return serializeSnnFile(newSnnFile(graph, { positions: {} }, { name: 'small', description: '' }, '0.0.0'));
}
