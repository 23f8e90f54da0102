// Checks the built training path, which the Electron app runs and no other test does: the
// bundled training worker (dist/main/trainingWorker.cjs, a child process here as in web mode)
// trains a small Randman graph to the end, and the bundled thread worker of the parallel
// engine (dist/main/worker.js, an ES module) loads and evaluates a batch, and the bundled sweep
// task (dist/main/taskMain.cjs, what the app's sweep pool forks) trains one configuration of a
// sweep folder into its run folder. All load only the
// packages the bundles leave external (package.json's `dependencies`), so running this in a
// folder holding dist/ and `npm ci --omit=dev` proves the production dependencies suffice.
// Usage: node scripts/check-built-worker.mjs [root]   (root: the folder holding dist/, examples/)
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

const root = path.resolve(process.argv[2] ?? '.');
const file = JSON.parse(readFileSync(path.join(root, 'examples/randman.snn.json'), 'utf8'));
const { graph } = file;
for (const node of graph.nodes) {
  if (node.kind === 'training') node.params.epochs = 1;
  if (node.kind === 'dataset') node.params.samplesPerClass = 60;
}

function fail(message) {
  console.error(`check-built-worker: ${message}`);
  process.exit(1);
}

const timer = setTimeout(() => fail('no result within 120 s'), 120_000);

/** The training worker process: started -> batches -> done, on a real backend. */
function trainInWorkerProcess() {
  return new Promise((resolve) => {
    const child = fork(path.join(root, 'dist/main/trainingWorker.cjs'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let started = null;
    let batches = 0;
    child.on('message', (m) => {
      if (m.type === 'started') started = m;
      else if (m.type === 'batch') batches++;
      else if (m.type === 'failed') fail(`the training worker failed: ${m.message}`);
      else if (m.type === 'done') {
        child.removeAllListeners('exit');
        child.kill();
        if (!started || batches === 0) fail(`done without started/batch events (${batches} batches)`);
        if (started.backend === 'cpu')
          fail('the training worker fell back to the cpu backend (the wasm backend did not load)');
        resolve(
          `training worker: trained to the end (${batches} batch events) on ${started.backend}, engine ${started.engine}`,
        );
      }
    });
    child.on('exit', (code) => fail(`the training worker exited (code ${code}) before it was done`));
    child.send({ type: 'start', runId: 'check', document: JSON.stringify(file), engine: 'fast', resumeWeights: false });
  });
}

/** The parallel engine's thread worker: evaluates one silent sample with zero weights. */
function evaluateInThreadWorker() {
  return new Promise((resolve) => {
    const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
    const units = (id) => {
      const n = nodes.get(id);
      return n.kind === 'dataset' ? n.params.inputs : n.params.size;
    };
    const weights = {};
    for (const e of graph.edges)
      if (e.kind === 'connection') weights[e.id] = new Float32Array(units(e.source) * units(e.target));
    const data = graph.nodes.find((n) => n.kind === 'dataset');
    const T = data.params.timeSteps;
    const batch = {
      batchSize: 1,
      timeSteps: T,
      inputUnits: data.params.inputs,
      offsets: new Int32Array(T + 1),
      units: new Int32Array(0),
      labels: new Int32Array([0]),
    };
    const worker = new Worker(path.join(root, 'dist/main/worker.js'), { workerData: { graph } });
    worker.on('error', (e) => fail(`the thread worker failed to load: ${e.message}`));
    worker.on('message', (m) => {
      if (!m.ok) fail(`the thread worker failed: ${m.error}`);
      worker.postMessage({ id: 2, kind: 'close' });
      resolve(`thread worker: evaluated a batch (loss ${Number(m.result.loss).toFixed(3)})`);
    });
    worker.postMessage({ id: 1, kind: 'evaluate', batch, weights });
  });
}

/** The sweep pool's task process: one configuration of a sweep folder, recorded as done. */
function runSweepTaskProcess() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spikewright-check-sweep-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'graph.snn.json'), JSON.stringify(file));
  writeFileSync(
    path.join(dir, 'sweep.json'),
    JSON.stringify({
      format: 'spikewright.sweep',
      version: 1,
      id: 'check',
      name: 'check',
      createdAt: new Date().toISOString(),
      mode: 'grid',
      axes: [{ path: 'train.learningRate', values: [0.005] }],
      configs: [{ index: 0, values: { 'train.learningRate': 0.005 } }],
      settings: { engine: 'fast', epochs: 1, maxBatches: 2, maxEvalBatches: 1 },
    }),
  );
  return new Promise((resolve) => {
    const child = fork(path.join(root, 'dist/main/taskMain.cjs'), [dir, '0', '1'], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('exit', (code) => {
      let info;
      try {
        info = JSON.parse(readFileSync(path.join(dir, 'runs', '000', 'run.json'), 'utf8'));
      } catch (e) {
        fail(`the sweep task wrote no run.json (exit code ${code}): ${e.message}`);
      }
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0 || info.status !== 'done')
        fail(`the sweep task ended ${info.status} (exit code ${code})${info.error ? `: ${info.error}` : ''}`);
      resolve(`sweep task: trained a configuration to the end (test accuracy ${info.final?.testAcc?.toFixed(3)})`);
    });
  });
}

for (const line of [await trainInWorkerProcess(), await evaluateInThreadWorker(), await runSweepTaskProcess()])
  console.log(line);
clearTimeout(timer);
process.exit(0);
