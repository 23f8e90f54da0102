// Which senders the main process answers: only the app's own page, in the app's own window.
// Kept free of Electron imports so it is unit-tested in plain Node.

export const APP_ORIGIN = 'app://spikewright';

/** True when an IPC message comes from a frame showing the app's own page. */
export function isTrustedSenderUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'app:' && parsed.host === 'spikewright';
  } catch {
    return false;
  }
}

/** Resolves a request path under the renderer folder, refusing anything that escapes it. */
export function rendererFilePath(
  rendererDir: string,
  requestUrl: string,
  join: (...p: string[]) => string,
): string | null {
  let pathname: string;
  try {
    const url = new URL(requestUrl);
    if (url.protocol !== 'app:' || url.host !== 'spikewright') return null;
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  const segments = pathname.split('/').filter(Boolean);
  if (segments.some((s) => s === '..' || s.includes('\\') || s.includes('\0'))) return null;
  return join(rendererDir, ...segments);
}
