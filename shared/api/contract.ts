// The one API between the UI and the backend. Electron's preload implements it over IPC,
// web mode over a WebSocket; both backends dispatch through `createApiDispatcher`, which
// checks every request against these schemas before a handler sees it.
import { z } from 'zod';
import { appEventSchema, sweepEventSchema, trainingEventSchema } from './events';
import type { API_METHOD_NAMES } from './methods';
import { runDetailSchema, runSummarySchema, sweepStatusSchema } from './runs';

const problemSchema = z.object({
  severity: z.enum(['error', 'warning']),
  target: z.object({ type: z.enum(['node', 'edge']), id: z.string() }).optional(),
  field: z.string().optional(),
  message: z.string(),
});

const exampleSchema = z.object({ id: z.string(), name: z.string(), description: z.string() });

/** A document as text plus where it came from; the renderer parses it with loadSnnFile. */
const openedSchema = z.object({ text: z.string(), path: z.string().nullable(), name: z.string() });

const engineSchema = z.enum(['fast', 'reference']);

/**
 * The document whose runs are meant: its saved path (its runs are in `<name>.runs/` beside it),
 * or null for an unsaved document (the app's data folder). The same rules as saveDocument apply.
 */
const documentPathSchema = z.string().min(1).max(4096).nullable();
/** A run as its runs folder names it: `20261201-214301-3fa2`, `sweeps/<id>/runs/003`. */
const runRefSchema = z.string().min(1).max(300);
/** A sweep as its runs folder names it: `sweeps/<id>`. */
const sweepRefSchema = z
  .string()
  .max(300)
  .regex(/^sweeps\/[A-Za-z0-9_-]+$/, 'is not a sweep of this document (sweeps/<id>)');
const sweepAxisParams = z.object({ path: z.string().min(1).max(300), values: z.array(z.number()).min(1).max(1000) });
const sweepRandomParams = z.object({
  path: z.string().min(1).max(300),
  dist: z.enum(['uniform', 'loguniform', 'int']),
  lo: z.number(),
  hi: z.number(),
});
const batchCap = z.number().int().min(1).max(1_000_000).optional();
/** What an export was measured to compute in its target tool (main/nir/agreement.ts). */
export const exportAgreementSchema = z.object({
  target: z.enum(['nir', 'snntorch', 'norse']),
  targetLabel: z.string(),
  semantics: z.string(),
  discretisation: z.enum(['nir', 'spytorch']),
  expressible: z.boolean(),
  samples: z.number(),
  timeSteps: z.number(),
  data: z.string(),
  layers: z.array(
    z.object({
      name: z.string(),
      nirName: z.string(),
      kind: z.enum(['lif', 'readout']),
      size: z.number(),
      lagSteps: z.number(),
      cellAgreement: z.number(),
      identical: z.boolean(),
      engineSpikes: z.number(),
      targetSpikes: z.number(),
    }),
  ),
  predictionAgreement: z.number(),
  identicalPredictions: z.boolean(),
  exact: z.boolean(),
  warnings: z.array(z.string()),
  summary: z.string(),
});
export type ExportAgreementResult = z.output<typeof exportAgreementSchema>;

export const apiMethods = {
  appInfo: {
    params: z.object({}),
    result: z.object({
      name: z.string(),
      version: z.string(),
      transport: z.enum(['electron', 'web']),
      platform: z.string(),
      /** Web mode: the folder documents are opened from and saved to (relative paths start there). */
      workspace: z.string().optional(),
    }),
  },
  listExamples: { params: z.object({}), result: z.array(exampleSchema) },
  openExample: { params: z.object({ id: z.string().max(100) }), result: openedSchema },
  /**
   * Reads a document (.snn.json, or a .nir file imported as a new document) from the backend's
   * file system: inside the workspace in web mode, a path the user chose in Electron.
   */
  openDocument: { params: z.object({ path: z.string().min(1).max(4096) }), result: openedSchema },
  /** Writes a .snn.json document atomically and durably (same rules for the path as openDocument). */
  saveDocument: {
    params: z.object({ path: z.string().min(1).max(4096), text: z.string().max(512 * 1024 * 1024) }),
    result: z.object({ path: z.string() }),
  },
  validate: { params: z.object({ graph: z.unknown() }), result: z.array(problemSchema) },
  startTraining: {
    params: z.object({
      /** The document to train, as .snn.json text: the run trains this snapshot. */
      document: z.string().max(512 * 1024 * 1024),
      engine: engineSchema.optional(),
      /** Start from the weights stored in the document instead of a fresh initialisation. */
      resumeWeights: z.boolean().optional(),
      /** Where the document is saved: the run is recorded in its runs folder (listRuns). */
      documentPath: documentPathSchema.optional(),
    }),
    result: z.object({ runId: z.string() }),
  },
  /** Every recorded run of the document (its own and its sweeps'), newest first, and its sweeps. */
  listRuns: {
    params: z.object({ documentPath: documentPathSchema }),
    result: z.object({
      /** The runs folder, for the user to find the plain files. */
      folder: z.string(),
      runs: z.array(runSummarySchema),
      sweeps: z.array(sweepStatusSchema),
    }),
  },
  /** One run with its per-batch and per-epoch metrics, confusion matrix and flattened settings. */
  showRun: { params: z.object({ documentPath: documentPathSchema, ref: runRefSchema }), result: runDetailSchema },
  /** Deletes runs (their folders); a run still running is refused. */
  deleteRuns: {
    params: z.object({ documentPath: documentPathSchema, refs: z.array(runRefSchema).min(1).max(10_000) }),
    result: z.object({ deleted: z.array(z.string()) }),
  },
  /** A finished run's trained document (.snn.json text, weights included). */
  openRunWeights: {
    params: z.object({ documentPath: documentPathSchema, ref: runRefSchema }),
    result: z.object({ text: z.string(), name: z.string() }),
  },
  /**
   * Plans a sweep over the document's numeric parameters (a grid of `axes`, or `random` draws)
   * and starts it on the local pool; progress comes as 'sweep' events.
   */
  startSweep: {
    params: z.object({
      documentPath: documentPathSchema,
      document: z.string().max(512 * 1024 * 1024),
      name: z.string().max(200).optional(),
      axes: z.array(sweepAxisParams).max(8).optional(),
      random: z
        .object({
          params: z.array(sweepRandomParams).min(1).max(8),
          count: z.number().int().min(1).max(10_000),
          seed: z.number().int().min(0).optional(),
        })
        .optional(),
      engine: engineSchema.optional(),
      epochs: batchCap,
      maxBatches: batchCap,
      maxEvalBatches: batchCap,
      /** Runs at once; default: one per core (sweep.ts's choosePool). */
      jobs: z.number().int().min(1).max(256).optional(),
    }),
    result: sweepStatusSchema,
  },
  /** Stops a sweep's running configurations (they are marked stopped; finished ones are kept). */
  stopSweep: { params: z.object({ documentPath: documentPathSchema, ref: sweepRefSchema }), result: sweepStatusSchema },
  /** Runs what a sweep has left (stopped, failed, pending); finished configurations are skipped. */
  resumeSweep: {
    params: z.object({
      documentPath: documentPathSchema,
      ref: sweepRefSchema,
      jobs: z.number().int().min(1).max(256).optional(),
    }),
    result: sweepStatusSchema,
  },
  sweepStatus: {
    params: z.object({ documentPath: documentPathSchema, ref: sweepRefSchema }),
    result: sweepStatusSchema,
  },
  /** Deletes a sweep that is not running, with its runs. */
  deleteSweep: { params: z.object({ documentPath: documentPathSchema, ref: sweepRefSchema }), result: z.object({}) },
  pauseTraining: { params: z.object({ runId: z.string() }), result: z.object({}) },
  resumeTraining: { params: z.object({ runId: z.string() }), result: z.object({}) },
  /**
   * Answers once the run's process is gone: `stopped` (it stopped as asked; its 'done' event
   * carries the weights), `terminated` or `killed` (it was stalled or too slow and was ended).
   */
  stopTraining: {
    params: z.object({ runId: z.string() }),
    result: z.object({ ended: z.enum(['stopped', 'terminated', 'killed']) }),
  },
  /**
   * Exports a document as NIR for one tool ('nir': NIR's reference semantics, the default;
   * 'snntorch'; 'norse'), with the agreement measured before writing: the file run by our NIR
   * simulator under that tool's semantics vs the engine, on the graph's own test data.
   */
  exportDocument: {
    params: z.object({
      document: z.string(),
      format: z.enum(['nir']),
      target: z.enum(['nir', 'snntorch', 'norse']).optional(),
      /** Samples the agreement check runs (default 256; 0 skips it). */
      samples: z.number().int().min(0).max(4096).optional(),
    }),
    /** The exported file, base64, with a suggested name. */
    result: z.object({ data: z.string(), fileName: z.string(), agreement: exportAgreementSchema.optional() }),
  },
  /** Imports a NIR file (base64) as a document; lists what could not be mapped. */
  importDocument: {
    params: z.object({
      data: z.string().max(700 * 1024 * 1024),
      fileName: z.string().max(1000),
      format: z.enum(['nir']),
      /** The step (seconds) the file was made for; default: its metadata, else its writer's convention. */
      dtSeconds: z.number().positive().max(10).optional(),
    }),
    result: z.object({
      text: z.string(),
      unmapped: z.array(z.string()),
      notes: z.array(z.string()).optional(),
      dtSeconds: z.number().optional(),
    }),
  },
  /** The unsaved document kept in case the app or the machine stops; null when there is none. */
  readRecovery: {
    params: z.object({}),
    result: z
      .object({ text: z.string(), name: z.string(), path: z.string().nullable(), savedAt: z.number() })
      .nullable(),
  },
  writeRecovery: {
    params: z.object({
      text: z.string().max(512 * 1024 * 1024),
      name: z.string().max(1000),
      path: z.string().max(4096).nullable(),
    }),
    result: z.object({}),
  },
  clearRecovery: { params: z.object({}), result: z.object({}) },
  /** Native file dialogs; `available` is false in web mode, where the UI uses its own. */
  showOpenDialog: {
    params: z.object({ purpose: z.enum(['document', 'nir']).optional() }),
    result: z.object({ available: z.boolean(), path: z.string().nullable() }),
  },
  showSaveDialog: {
    params: z.object({ defaultName: z.string().max(1000), purpose: z.enum(['document', 'nir']).optional() }),
    result: z.object({ available: z.boolean(), path: z.string().nullable() }),
  },
  recentFiles: { params: z.object({}), result: z.array(z.string()) },
  /** A few samples of a dataset node's data (as [step, unit] pairs) and its class balance per split. */
  previewDataset: {
    params: z.object({
      params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
      samples: z.number().int().min(1).max(16).optional(),
    }),
    result: z.object({
      name: z.string(),
      inputUnits: z.number(),
      classes: z.number(),
      timeSteps: z.number(),
      classNames: z.array(z.string()).optional(),
      splits: z.record(
        z.string(),
        z.object({ size: z.number(), classCounts: z.array(z.number()), meanEvents: z.number() }),
      ),
      samples: z.array(z.object({ label: z.number(), events: z.array(z.number()) })),
    }),
  },
  /**
   * The window's state as the UI sees it: the title, whether the document has unsaved changes
   * (so closing can ask), and the commands for the native menu (Electron; ignored on the web).
   */
  setWindowState: {
    params: z.object({
      title: z.string().max(1000),
      dirty: z.boolean(),
      commands: z
        .array(
          z.object({
            id: z.string().max(100),
            label: z.string().max(200),
            menu: z.enum(['File', 'Edit', 'View', 'Run', 'Help']),
            accelerator: z.string().max(100).optional(),
            enabled: z.boolean(),
          }),
        )
        .max(500)
        .optional(),
    }),
    result: z.object({}),
  },
} as const;

export type ApiMethod = keyof typeof apiMethods;
export const API_METHODS = Object.keys(apiMethods) as ApiMethod[];
export type ApiParams<M extends ApiMethod> = z.input<(typeof apiMethods)[M]['params']>;
export type ApiResult<M extends ApiMethod> = z.output<(typeof apiMethods)[M]['result']>;
export type TrainingEvent = z.output<typeof trainingEventSchema>;
export type AppEvent = z.output<typeof appEventSchema>;
export type SweepEvent = z.output<typeof sweepEventSchema>;
/** Everything the backend pushes to the page. */
export type BackendEvent = TrainingEvent | AppEvent | SweepEvent;
export type MenuCommand = NonNullable<ApiParams<'setWindowState'>['commands']>[number];

/** What the renderer holds: one function per operation and a subscription to training events. */
export type SpikewrightApi = { [M in ApiMethod]: (params: ApiParams<M>) => Promise<ApiResult<M>> } & {
  onTrainingEvent(listener: (event: TrainingEvent) => void): () => void;
  /** Commands from the native menu, files opened from outside the app, a request to close. */
  onAppEvent(listener: (event: AppEvent) => void): () => void;
  /** Progress of the local pool's sweeps. */
  onSweepEvent(listener: (event: SweepEvent) => void): () => void;
};

/** A failure a handler reports to the user; its message is shown as is. */
export class ApiError extends Error {
  override name = 'ApiError';
}

export type ApiHandlers = {
  [M in ApiMethod]: (params: z.output<(typeof apiMethods)[M]['params']>) => Promise<ApiResult<M>>;
};

export type ApiResponse = { ok: true; result: unknown } | { ok: false; error: string };

/**
 * Validates a request from an untrusted transport and runs its handler. Unknown methods and
 * malformed parameters are refused with a message; handler failures become error responses,
 * with ApiError messages passed through and anything else summarised.
 */
export function createApiDispatcher(handlers: ApiHandlers, onInternalError?: (error: unknown) => void) {
  return async (method: unknown, params: unknown): Promise<ApiResponse> => {
    if (typeof method !== 'string' || !Object.hasOwn(apiMethods, method))
      return { ok: false, error: `Unknown API method ${JSON.stringify(method)}` };
    const m = method as ApiMethod;
    const parsed = apiMethods[m].params.safeParse(params ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        ok: false,
        error: `Invalid request to ${m}: ${issue?.path.join('.') || 'params'} ${issue?.message ?? ''}`.trim(),
      };
    }
    try {
      const handler = handlers[m] as (p: unknown) => Promise<unknown>;
      return { ok: true, result: await handler(parsed.data) };
    } catch (error) {
      if (error instanceof ApiError) return { ok: false, error: error.message };
      onInternalError?.(error);
      return { ok: false, error: `${m} failed: ${(error as Error)?.message ?? String(error)}` };
    }
  };
}

export interface ApiTransport {
  invoke(method: ApiMethod, params: unknown): Promise<ApiResponse>;
  onEvent(listener: (event: unknown) => void): () => void;
}

/** Builds the typed API over any transport that can carry a request and a stream of events. */
export function createApiClient(transport: ApiTransport): SpikewrightApi {
  const api: Record<string, unknown> = {};
  for (const method of API_METHODS) {
    api[method] = async (params: unknown) => {
      const response = await transport.invoke(method, params);
      if (!response.ok) throw new ApiError(response.error);
      return response.result;
    };
  }
  api.onTrainingEvent = (listener: (event: TrainingEvent) => void) =>
    transport.onEvent((raw) => {
      const parsed = trainingEventSchema.safeParse(raw);
      if (parsed.success) listener(parsed.data);
    });
  api.onAppEvent = (listener: (event: AppEvent) => void) =>
    transport.onEvent((raw) => {
      const parsed = appEventSchema.safeParse(raw);
      if (parsed.success) listener(parsed.data);
    });
  api.onSweepEvent = (listener: (event: SweepEvent) => void) =>
    transport.onEvent((raw) => {
      const parsed = sweepEventSchema.safeParse(raw);
      if (parsed.success) listener(parsed.data);
    });
  return api as SpikewrightApi;
}

// The preload's plain list of names must match the contract exactly.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const namesMatch: Same<(typeof API_METHOD_NAMES)[number], ApiMethod> = true;
void namesMatch;
