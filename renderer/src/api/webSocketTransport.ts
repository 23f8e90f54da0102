// The API over a WebSocket to the web-mode server. Requests wait while the socket (re)connects;
// the session token comes from the page URL the server printed.
import type { ApiMethod, ApiResponse, ApiTransport } from '../../../shared/api/contract';
import { decodeMessage } from '../../../shared/api/wire';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export function createWebSocketTransport(onState?: (state: ConnectionState) => void): ApiTransport {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api?token=${encodeURIComponent(token)}`;
  const pending = new Map<number, (response: ApiResponse) => void>();
  const listeners = new Set<(event: unknown) => void>();
  const queue: string[] = [];
  let nextId = 1;
  let socket: WebSocket | null = null;
  let retryMs = 250;

  const connect = () => {
    onState?.('connecting');
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
      onState?.('open');
      for (const text of queue.splice(0)) ws.send(text);
    };
    ws.onmessage = (message) => {
      let data: { id?: number; event?: unknown } & ApiResponse;
      try {
        data = decodeMessage(message.data as string | ArrayBuffer) as typeof data;
      } catch {
        return;
      }
      if (data.event !== undefined) {
        for (const listener of listeners) listener(data.event);
        return;
      }
      const resolve = typeof data.id === 'number' ? pending.get(data.id) : undefined;
      if (resolve && typeof data.id === 'number') {
        pending.delete(data.id);
        resolve(data.ok ? { ok: true, result: data.result } : { ok: false, error: data.error });
      }
    };
    ws.onclose = () => {
      onState?.('closed');
      for (const resolve of pending.values())
        resolve({ ok: false, error: 'The connection to the Spikewright server was lost.' });
      pending.clear();
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  };
  connect();

  return {
    invoke(method: ApiMethod, params: unknown) {
      return new Promise<ApiResponse>((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        const text = JSON.stringify({ id, method, params });
        if (socket?.readyState === WebSocket.OPEN) socket.send(text);
        else queue.push(text);
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
