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

/** Opens the export dialog (the tool the file is for, the agreement measured there). */
export function exportNir() {
  store().openDialog({ kind: 'exportNir' });
}

/** The NIR file for one tool, with what it will compute there (measured by the backend). */
export function measureExport(target: 'nir' | 'snntorch' | 'norse') {
  return api.exportDocument({ document: serializeSnnFile(store().toFile()), format: 'nir', target, samples: 256 });
}

/** Downloads an export the dialog measured. */
export function saveExport(out: Awaited<ReturnType<typeof measureExport>>, target: string) {
  // Named after the file, as every export is (the backend names it after the network).
  const name = `${stem()}${target === 'nir' ? '' : `.${target}`}.nir`;
  downloadFile(name, base64ToBytes(out.data), 'application/x-hdf5');
  store().showToast(`Exported ${name}`);
}

/** Opens the import dialog (the file, and the step it was made for), after unsaved work is kept or let go. */
export function importNir() {
  guardUnsaved(() => store().openDialog({ kind: 'importNir' }), 'Import a NIR file');
}

/** Imports NIR bytes as a new, unsaved document; returns the error to show, or null. */
export async function importNirBytes(
  bytes: Uint8Array,
  fileName: string,
  options: { dtSeconds?: number } = {},
): Promise<string | null> {
  try {
    const result = await api.importDocument({ data: bytesToBase64(bytes), fileName, format: 'nir', ...options });
    const name = `${fileName.replace(/\.(nir|h5|hdf5)$/i, '')}.snn.json`;
    if (openDocumentText(result.text, null, name)) return null;
    // Imported work is not saved anywhere yet.
    useAppStore.setState({ savedText: '' });
    const dt = result.dtSeconds !== undefined ? ` at dt = ${result.dtSeconds} s` : '';
    if (result.unmapped.length)
      store().showToast(
        `Imported ${fileName}${dt} with ${result.unmapped.length} note(s): ${result.unmapped.join(' · ')}`,
        'info',
      );
    else store().showToast(`Imported ${fileName}${dt}`);
    return null;
  } catch (error) {
    return (error as Error).message;
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
