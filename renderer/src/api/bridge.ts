// What Electron's preload puts on window: one function per API method, each returning the
// dispatcher's response, and a subscription to training events. Nothing else crosses.
import type { ApiMethod, ApiResponse } from '../../../shared/api/contract';

export type SpikewrightBridge = { [M in ApiMethod]: (params: unknown) => Promise<ApiResponse> } & {
  onTrainingEvent(listener: (event: unknown) => void): () => void;
  onAppEvent(listener: (event: unknown) => void): () => void;
  onSweepEvent(listener: (event: unknown) => void): () => void;
};

declare global {
  interface Window {
    spikewrightBridge?: SpikewrightBridge;
  }
}
