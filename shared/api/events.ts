// Training events streamed from the worker to the UI.
import { z } from 'zod';
import { sweepStatusSchema } from './runs';

const runId = z.string();
/** Sent as typed arrays (raw bytes on the wire); plain arrays are accepted too. */
const ints = z.union([z.instanceof(Int32Array), z.array(z.number())]);
const floats = z.union([z.instanceof(Float32Array), z.array(z.number())]);

/** L2 norm of each trainable connection's weights and of its last gradient. */
const norms = z.array(z.object({ edgeId: z.string(), weight: z.number(), grad: z.number().optional() }));

// What the engine's trainer yields (main/engine/trainer.ts emits exactly these, without a
// runId); the worker adds the runId and, on done and failed, the document.
export const runStartedSchema = z.object({
  type: z.literal('started'),
  backend: z.string(),
  engine: z.string(),
  epochs: z.number(),
  batchesPerEpoch: z.number(),
  notes: z.array(z.string()),
});
export const runBatchSchema = z.object({
  type: z.literal('batch'),
  epoch: z.number(),
  batch: z.number(),
  batches: z.number(),
  loss: z.number(),
  acc: z.number(),
  /** Wall time of this training step (forward, backward, update). */
  ms: z.number(),
  samplesPerSecond: z.number(),
  /** Weight and gradient norms per connection after this step. */
  norms: norms.optional(),
  /** Frames the worker dropped since the last event because the UI was behind. */
  dropped: z.number().optional(),
});
export const runEpochSchema = z.object({
  type: z.literal('epoch'),
  epoch: z.number(),
  trainLoss: z.number(),
  trainAcc: z.number(),
  valLoss: z.number().optional(),
  valAcc: z.number().optional(),
  /** Wall time of the epoch, evaluation included. */
  seconds: z.number(),
});
export const runDoneSchema = z.object({
  type: z.literal('done'),
  testAcc: z.number().optional(),
  testLoss: z.number().optional(),
  trainAcc: z.number().optional(),
  seconds: z.number(),
  backend: z.string(),
  engine: z.string(),
  /** Epochs completed. */
  epochs: z.number(),
  /** The trained document (.snn.json text) with weights. */
  document: z.string().optional(),
  /** True when the user stopped the run before its last epoch. */
  stopped: z.boolean(),
  /** Test-set confusion matrix, rows = true class, columns = predicted class, over `confusionSamples` samples. */
  confusion: z.array(z.array(z.number())).optional(),
  confusionSamples: z.number().optional(),
});
export const runFailedSchema = z.object({
  type: z.literal('failed'),
  message: z.string(),
  /** Where the run stopped (counting from 1), when it stopped in the training loop. */
  epoch: z.number().optional(),
  batch: z.number().optional(),
  step: z.number().optional(),
  /** False when the run never had finite weights: there is nothing to keep, the document stays as it was. */
  hadGoodWeights: z.boolean().optional(),
  /** The last good weights, as a document, when there were any. */
  document: z.string().optional(),
});

export const trainingEventSchema = z.discriminatedUnion('type', [
  runStartedSchema.extend({ runId }),
  runBatchSchema.extend({ runId }),
  runEpochSchema.extend({ runId }),
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
    norms: norms.optional(),
    timeSteps: z.number(),
    samples: z.number(),
    /** Where this snapshot was taken. */
    epoch: z.number().optional(),
    batch: z.number().optional(),
  }),
  z.object({ type: z.literal('paused'), runId }),
  /** The training process has been silent too long (suspended, hung, swapping); Stop ends it. */
  z.object({ type: z.literal('stalled'), runId, silentSeconds: z.number(), message: z.string() }),
  /** A stalled training process has answered again. */
  z.object({ type: z.literal('responding'), runId }),
  z.object({ type: z.literal('resumed'), runId }),
  runDoneSchema.extend({ runId }),
  runFailedSchema.extend({ runId }),
]);

/** An event of a training run as the engine yields it: the run's id is added by the worker. */
export type RunEvent =
  | z.output<typeof runStartedSchema>
  | z.output<typeof runBatchSchema>
  | z.output<typeof runEpochSchema>
  | z.output<typeof runDoneSchema>
  | z.output<typeof runFailedSchema>;

/** Events from the shell rather than a training run. */
export const appEventSchema = z.discriminatedUnion('type', [
  /** A native menu item was chosen: run the UI command with this id. */
  z.object({ type: z.literal('command'), command: z.string() }),
  /** The user opened a document from outside (file manager, a second launch). */
  z.object({ type: z.literal('open-file'), path: z.string() }),
  /** The window is closing with unsaved changes and the user chose to save first. */
  z.object({ type: z.literal('save-before-close') }),
]);

/** A sweep on the local pool moved on (a configuration started, progressed, finished; the pool stopped). */
export const sweepEventSchema = z.object({
  type: z.literal('sweep'),
  /** The runs folder the sweep belongs to (listRuns' `folder`). */
  folder: z.string(),
  status: sweepStatusSchema,
});
