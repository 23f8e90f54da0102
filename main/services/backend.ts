// The services behind the API, shared by the Electron main process and the web-mode server.
import type { ApiHandlers, TrainingEvent } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/contract';
import { parseGraphDocument } from '../../shared/graph/document';
import { validateGraph } from '../../shared/graph/validate';
import { readDocument, writeFileAtomic } from './documents';
import { listExamples, readExample } from './examples';
import type { TrainingService } from './training';

export interface BackendOptions {
  examplesDir: string;
  appVersion: string;
  transport: 'electron' | 'web';
  training: TrainingService;
  exportNir?: (document: string) => Promise<{ data: Uint8Array; fileName: string }>;
}

export function createHandlers(options: BackendOptions): ApiHandlers {
  return {
    appInfo: async () => ({
      name: 'Spikeforge',
      version: options.appVersion,
      transport: options.transport,
      platform: process.platform,
    }),
    listExamples: () => listExamples(options.examplesDir),
    openExample: ({ id }) => readExample(options.examplesDir, id),
    openDocument: ({ path }) => readDocument(path),
    saveDocument: async ({ path, text }) => ({ path: await writeFileAtomic(path, text) }),
    validate: async ({ graph }) => {
      const parsed = parseGraphDocument(graph);
      if (!parsed.ok) return parsed.errors.map((message) => ({ severity: 'error' as const, message }));
      return validateGraph(parsed.graph);
    },
    startTraining: ({ document, engine, resumeWeights }) =>
      options.training.start({ document, engine: engine ?? 'fast', resumeWeights: resumeWeights ?? false }),
    pauseTraining: async ({ runId }) => {
      options.training.pause(runId);
      return {};
    },
    resumeTraining: async ({ runId }) => {
      options.training.resume(runId);
      return {};
    },
    stopTraining: async ({ runId }) => {
      options.training.stop(runId);
      return {};
    },
    exportDocument: async ({ document, format }) => {
      if (format !== 'nir' || !options.exportNir) throw new ApiError('NIR export is not available in this build.');
      const out = await options.exportNir(document);
      return { data: Buffer.from(out.data).toString('base64'), fileName: out.fileName };
    },
  };
}

export type EventSink = (event: TrainingEvent) => void;
