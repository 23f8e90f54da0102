// Getting networks in and out of the app besides .snn.json: NIR export and import, and the
// canvas as a picture. In Electron the native dialogs choose paths; in a browser, downloads
// and file pickers do.
import { serializeSnnFile } from '../../../shared/file/snnFile';
import { api } from '../api';
import { useAppStore } from '../store';
import { guardUnsaved, openDocumentText, openServerPath, saveTo } from './fileActions';
import { graphSvg, svgToPng } from './graphImage';

const store = () => useAppStore.getState();

function download(name: string, data: BlobPart, type: string) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function stem(): string {
  return store().fileName.replace(/\.snn\.json$|\.json$/i, '') || 'network';
}

function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Native open dialog where the shell has one, else the in-app dialog. */
export async function openWithDialog() {
  const choice = await api.showOpenDialog({ purpose: 'document' }).catch(() => ({ available: false, path: null }));
  if (!choice.available) return store().openDialog({ kind: 'open' });
  if (!choice.path) return;
  const error = await openServerPath(choice.path);
  if (error) store().showToast(error, 'error');
}

/** Native save dialog where the shell has one, else the in-app dialog. */
export async function saveAsWithDialog() {
  const choice = await api
    .showSaveDialog({ defaultName: store().fileName, purpose: 'document' })
    .catch(() => ({ available: false, path: null }));
  if (!choice.available) return store().openDialog({ kind: 'saveAs' });
  if (!choice.path) return;
  const error = await saveTo(choice.path);
  if (error) store().showToast(error, 'error');
}

export async function exportNir() {
  try {
    const out = await api.exportDocument({ document: serializeSnnFile(store().toFile()), format: 'nir' });
    download(out.fileName, base64ToBytes(out.data), 'application/x-hdf5');
    store().showToast(`Exported ${out.fileName}`);
  } catch (error) {
    store().showToast((error as Error).message, 'error');
  }
}

/** Asks for a .nir file and opens it as a new, unsaved document. */
export function importNir() {
  guardUnsaved(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = '.nir,.h5,.hdf5';
    input.onchange = async () => {
      const file = input.files?.[0];
      if (!file) return;
      await importNirBytes(new Uint8Array(await file.arrayBuffer()), file.name);
    };
    input.click();
  }, 'Import a NIR file');
}

export async function importNirBytes(bytes: Uint8Array, fileName: string) {
  try {
    const result = await api.importDocument({ data: bytesToBase64(bytes), fileName, format: 'nir' });
    const name = `${fileName.replace(/\.(nir|h5|hdf5)$/i, '')}.snn.json`;
    if (openDocumentText(result.text, null, name)) return;
    // Imported work is not saved anywhere yet.
    useAppStore.setState({ savedText: '' });
    if (result.unmapped.length)
      store().showToast(`Imported with ${result.unmapped.length} note(s): ${result.unmapped.join(' · ')}`, 'info');
    else store().showToast(`Imported ${fileName}`);
  } catch (error) {
    store().showToast((error as Error).message, 'error');
  }
}

export function exportCanvasSvg() {
  const { graph, layout, theme } = store();
  download(`${stem()}.svg`, graphSvg(graph, layout, { dark: theme === 'dark' }).svg, 'image/svg+xml');
}

export async function exportCanvasPng() {
  const { graph, layout, theme } = store();
  const { svg, width, height } = graphSvg(graph, layout, { dark: theme === 'dark' });
  try {
    download(`${stem()}.png`, await svgToPng(svg, width, height), 'image/png');
  } catch (error) {
    store().showToast((error as Error).message, 'error');
  }
}
