// The renderer's single way to reach the backend: Electron's preload bridge when present,
// otherwise the web-mode WebSocket. Components never know which.
import { createApiClient, type SpikeforgeApi } from '../../../shared/api/contract';
import './bridge';
import { type ConnectionState, createWebSocketTransport } from './webSocketTransport';

let connectionListener: ((state: ConnectionState) => void) | null = null;

export function onConnectionState(listener: (state: ConnectionState) => void) {
  connectionListener = listener;
}

function connect(): SpikeforgeApi {
  const bridge = window.spikeforgeBridge;
  if (bridge) {
    return createApiClient({
      invoke: (method, params) => bridge[method](params),
      onEvent: (listener) => bridge.onTrainingEvent(listener),
    });
  }
  return createApiClient(createWebSocketTransport((state) => connectionListener?.(state)));
}

let client: SpikeforgeApi | null = null;

/** Connects on first use, so importing this module (in unit tests, say) opens nothing. */
export const api: SpikeforgeApi = new Proxy({} as SpikeforgeApi, {
  get(_target, key) {
    client ??= connect();
    return client[key as keyof SpikeforgeApi];
  },
});
