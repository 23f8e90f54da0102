// Training events streamed from the worker to the UI.
import { z } from 'zod';

const runId = z.string();
/** Sent as typed arrays (raw bytes on the wire); plain arrays are accepted too. */
const ints = z.union([z.instanceof(Int32Array), z.array(z.number())]);
const floats = z.union([z.instanceof(Float32Array), z.array(z.number())]);

export const trainingEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('started'),
    runId,
    backend: z.string(),
    engine: z.string(),
    epochs: z.number(),
    batchesPerEpoch: z.number(),
    notes: z.array(z.string()),
  }),
  z.object({
    type: z.literal('batch'),
    runId,
    epoch: z.number(),
    batch: z.number(),
    batches: z.number(),
    loss: z.number(),
    acc: z.number(),
    ms: z.number(),
    samplesPerSecond: z.number(),
    /** Frames the worker dropped since the last event because the UI was behind. */
    dropped: z.number().optional(),
  }),
  z.object({
    type: z.literal('epoch'),
    runId,
    epoch: z.number(),
    trainLoss: z.number(),
    trainAcc: z.number(),
    valLoss: z.number().optional(),
    valAcc: z.number().optional(),
  }),
  z.object({
    type: z.literal('activity'),
    runId,
    /** Spike rasters of a few samples: per population, flat [sample, step, unit] triples. */
    populations: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        size: z.number(),
        events: ints,
        /** Mean firing rate in spikes per neuron per second. */
        rate: z.number(),
        /** Spike count per neuron (summed over the recorded samples), for the rate histogram. */
        counts: ints.optional(),
      }),
    ),
    /** Membrane potential of a few neurons of each population, sample 0, one value per step. */
    traces: z.array(z.object({ populationId: z.string(), neuron: z.number(), values: floats })).optional(),
    /** L2 norms of each connection's weights and last gradient. */
    norms: z.array(z.object({ edgeId: z.string(), weight: z.number(), grad: z.number().optional() })).optional(),
    timeSteps: z.number(),
    samples: z.number(),
    /** Where this snapshot was taken. */
    epoch: z.number().optional(),
    batch: z.number().optional(),
  }),
  z.object({ type: z.literal('paused'), runId }),
  z.object({ type: z.literal('resumed'), runId }),
  z.object({
    type: z.literal('done'),
    runId,
    testAcc: z.number().optional(),
    trainAcc: z.number().optional(),
    seconds: z.number(),
    /** The trained document (.snn.json text) with weights. */
    document: z.string().optional(),
    stopped: z.boolean(),
    /** Test-set confusion matrix, rows = true class, columns = predicted class, over `confusionSamples` samples. */
    confusion: z.array(z.array(z.number())).optional(),
    confusionSamples: z.number().optional(),
  }),
  z.object({
    type: z.literal('failed'),
    runId,
    message: z.string(),
    /** The last good weights, as a document, when there were any. */
    document: z.string().optional(),
  }),
]);

/** Events from the shell rather than a training run. */
export const appEventSchema = z.discriminatedUnion('type', [
  /** A native menu item was chosen: run the UI command with this id. */
  z.object({ type: z.literal('command'), command: z.string() }),
  /** The user opened a document from outside (file manager, a second launch). */
  z.object({ type: z.literal('open-file'), path: z.string() }),
  /** The window is closing with unsaved changes and the user chose to save first. */
  z.object({ type: z.literal('save-before-close') }),
]);
