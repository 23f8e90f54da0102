// Small pieces of the app's chrome: the theme on <html> and the backend connection banner.
import { useEffect, useState } from 'react';
import { useAppStore } from '../store';

/** Puts the theme on the root element, where the CSS variables switch with it. */
export function useTheme() {
  const theme = useAppStore((s) => s.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
  }, [theme]);
}

type ConnectionState = 'connecting' | 'open' | 'closed';

export function ConnectionBanner({ subscribe }: { subscribe: (listener: (state: ConnectionState) => void) => void }) {
  const [state, setState] = useState<ConnectionState>('open');
  useEffect(() => subscribe(setState), [subscribe]);
  if (state !== 'closed') return null;
  return <span className="banner banner--warn">Connection to the backend lost; retrying…</span>;
}
