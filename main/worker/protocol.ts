// Messages between the backend and the training worker process.
import type { TrainingEvent } from '../../shared/api/contract';

export type WorkerCommand =
  | { type: 'start'; runId: string; document: string; engine: 'fast' | 'reference'; resumeWeights: boolean }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' };

/**
 * Training events for the UI, plus checkpoints the backend keeps in case the worker dies and
 * heartbeats that tell the backend the process is alive (services/watchdog.ts).
 */
export type WorkerMessage =
  | TrainingEvent
  | { type: 'checkpoint'; runId: string; document: string }
  | { type: 'heartbeat' };

/** How often the worker sends a heartbeat; the backend's watchdog (services/watchdog.ts) listens. */
export const HEARTBEAT_MS = 1000;
