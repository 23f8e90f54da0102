// Getting networks in and out of the app besides .snn.json: NIR export and import, and the
// canvas as a picture. In Electron the native dialogs choose paths; in a browser, downloads
// and file pickers do.
import { base64ToBytes, bytesToBase64 } from '../../../shared/file/base64';
import { serializeSnnFile } from '../../../shared/file/snnFile';
import { api } from '../api';
import { useAppStore } from '../store';
import { downloadFile } from './download';
import { guardUnsaved, openDocumentText, openServerPath, saveTo } from './fileActions';
import { graphSvg, svgToPng } from './graphImage';

const store = () => useAppStore.getState();

function stem(): string {
  return store().fileName.replace(/\.snn\.json$|\.json$/i, '') || 'network';
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
    // Named after the file, as every export is (the backend names it after the network).
    const name = `${stem()}.nir`;
    downloadFile(name, base64ToBytes(out.data), 'application/x-hdf5');
    store().showToast(`Exported ${name}`);
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
  downloadFile(`${stem()}.svg`, graphSvg(graph, layout, { dark: theme === 'dark' }).svg, 'image/svg+xml');
}

export async function exportCanvasPng() {
  const { graph, layout, theme } = store();
  const { svg, width, height } = graphSvg(graph, layout, { dark: theme === 'dark' });
  try {
    downloadFile(`${stem()}.png`, await svgToPng(svg, width, height), 'image/png');
  } catch (error) {
    store().showToast((error as Error).message, 'error');
  }
}
