// The renderer's single way to reach the backend: Electron's preload bridge when present,
// otherwise the web-mode WebSocket. Components never know which.
import { createApiClient, type SpikewrightApi } from '../../../shared/api/contract';
import './bridge';
import { type ConnectionState, createWebSocketTransport } from './webSocketTransport';

let connectionListener: ((state: ConnectionState) => void) | null = null;

export function onConnectionState(listener: (state: ConnectionState) => void) {
  connectionListener = listener;
}

function connect(): SpikewrightApi {
  const bridge = window.spikewrightBridge;
  if (bridge) {
    return createApiClient({
      invoke: (method, params) => bridge[method](params),
      onEvent: (listener) => bridge.onTrainingEvent(listener),
    });
  }
  return createApiClient(createWebSocketTransport((state) => connectionListener?.(state)));
}

let client: SpikewrightApi | null = null;

/** Connects on first use, so importing this module (in unit tests, say) opens nothing. */
export const api: SpikewrightApi = new Proxy({} as SpikewrightApi, {
  get(_target, key) {
    client ??= connect();
    return client[key as keyof SpikewrightApi];
  },
});
