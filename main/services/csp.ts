// The Content-Security-Policy of the renderer, the same in Electron and web mode.

/** The renderer needs no remote content; 'wasm-unsafe-eval' lets tfjs compile its wasm. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
