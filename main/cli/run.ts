// `run <trained.snn.json> --input events.json --record out.json`: inference on recorded
// input events, with spikes and membrane traces written to a file.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defineCommand, UsageError } from './command';
import { parseEventsFile } from './eventsFile';
import { engineOption, loadGraphFile, readText, userPath } from './files';

export const runCommand = defineCommand({
  name: 'run',
  summary: 'Run a trained graph on recorded input events and record its spikes and membranes.',
  args: [{ name: 'trained.snn.json', what: 'a trained graph file' }],
  options: {
    input: { type: 'string', value: 'events.json', required: true, help: 'the input events (format below)' },
    record: { type: 'string', value: 'out.json', required: true, help: 'where the recording goes' },
    samples: { type: 'int', min: 1, help: 'record the first N samples (default: all)' },
    neurons: { type: 'int', min: 1, help: 'membrane traces of the first N neurons per population (default 16)' },
    engine: engineOption,
  },
  notes: `Events file (--input): JSON
  {"timeSteps": 100, "units": 784, "events": [[step, unit], ...], "label": 3}
or several samples:
  {"timeSteps": 100, "units": 784, "samples": [{"events": [[step, unit], ...], "label": 3}, ...]}
Steps are 0-based integers below timeSteps; units 0-based below units; labels optional.
The recording holds, per population, spikes as flat [sample, step, unit] triples and
membrane traces [sample][unit][step].`,
  async run({ positionals, values }) {
    const file0 = positionals[0] as string;
    const input = values.input as string;
    const recordPath = values.record as string;
    const file = await loadGraphFile(file0);
    const { compilePlan } = await import('../engine/plan');
    const { initWeights } = await import('../engine/init');
    const { weightsFromFile } = await import('../engine/snnWeights');
    const plan = compilePlan(file.graph);
    const stored = weightsFromFile(file);
    const missing = plan.connections.filter((c) => !stored[c.id]).map((c) => c.id);
    if (missing.length === plan.connections.length)
      throw new UsageError(`${path.basename(file0)} holds no trained weights.`);
    if (missing.length)
      process.stderr.write(`warning: no stored weights for ${missing.join(', ')}; using initial ones.\n`);
    const weights = { ...initWeights(plan, plan.training.seed), ...stored };
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readText(input, 'The events file'));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`The events file '${input}' is not valid JSON (${(e as Error).message}).`);
    }
    const events = parseEventsFile(parsed, plan.timeSteps, plan.inputUnits);
    if (!events.ok) throw new UsageError(`The events file '${input}': ${events.error}`);
    const { initBackend } = await import('../engine/backend');
    const backend = await initBackend();
    const engine = values.engine ?? 'fast';
    const samples = values.samples ?? events.batch.batchSize;
    const neurons = values.neurons ?? 16;
    const instance =
      engine === 'fast'
        ? new (await import('../engine/fast/fastEngine')).FastEngine(plan)
        : new (await import('../engine/reference/referenceEngine')).ReferenceEngine(plan);
    const recording = await instance.record(events.batch, weights, { samples, neurons });
    // Typed arrays as JSON arrays.
    const plain = (_key: string, value: unknown) =>
      ArrayBuffer.isView(value) ? Array.from(value as Int32Array) : value;
    await writeFile(userPath(recordPath), `${JSON.stringify({ backend, engine, ...recording }, plain)}\n`);
    process.stdout.write(
      `${JSON.stringify({ samples: recording.samples, predictions: recording.predictions, record: recordPath, backend, engine }, plain)}\n`,
    );
    return 0;
  },
});
