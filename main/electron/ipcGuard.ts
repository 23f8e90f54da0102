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

/**
 * Whether a link may leave the app for the user's browser: https only, and only to pages
 * listed here (the datasets' homepages the app names). Anything else a page tries to open, a
 * link in a hostile document for instance, is dropped.
 */
export function isAllowedExternalUrl(url: string, allowed: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password || parsed.port) return false;
  return allowed.some((entry) => {
    const base = new URL(entry);
    if (parsed.host !== base.host) return false;
    const prefix = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
    return parsed.pathname === base.pathname || parsed.pathname.startsWith(prefix);
  });
}
