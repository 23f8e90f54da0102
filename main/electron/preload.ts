// The preload exposes the typed API and nothing else: one function per operation plus the
// training-event subscription. ipcRenderer itself never reaches the page.
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import {
  API_METHOD_NAMES,
  BRIDGE_SUBSCRIPTIONS,
  IPC_EVENT_CHANNEL,
  IPC_INVOKE_PREFIX,
  IPC_PORT_CHANNEL,
} from '../../shared/api/methods';

const bridge: Record<string, unknown> = {};
for (const method of API_METHOD_NAMES) {
  bridge[method] = (params: unknown) => ipcRenderer.invoke(`${IPC_INVOKE_PREFIX}${method}`, params);
}
// Training and app events share one channel; the renderer's client tells them apart by schema.
const subscribe = (listener: (event: unknown) => void) => {
  const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
  ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
  return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped);
};
for (const name of BRIDGE_SUBSCRIPTIONS) bridge[name] = subscribe;

// Training metrics arrive on a MessagePort the main process hands over after each load.
const portListeners = new Set<(event: unknown) => void>();
ipcRenderer.on(IPC_PORT_CHANNEL, (event) => {
  const port = event.ports[0];
  if (!port) return;
  port.onmessage = (message: MessageEvent) => {
    for (const listener of portListeners) listener(message.data);
  };
});
bridge.onTrainingEvent = (listener: (event: unknown) => void) => {
  portListeners.add(listener);
  const off = subscribe(listener);
  return () => {
    portListeners.delete(listener);
    off();
  };
};

contextBridge.exposeInMainWorld('spikewrightBridge', bridge);
