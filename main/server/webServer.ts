// Web mode: a local HTTP server that serves the built renderer and carries the typed API over
// a WebSocket. It binds to loopback only and trusts nothing: the WebSocket needs the random
// session token printed in the URL, and every request must name this server as its Host and
// (for the WebSocket) Origin, so a page open in the user's browser cannot drive it and DNS
// rebinding cannot reach it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { type ApiHandlers, createApiDispatcher, type TrainingEvent } from '../../shared/api/contract';
import { encodeMessage } from '../../shared/api/wire';
import { CSP } from '../services/csp';

export interface WebServerOptions {
  handlers: ApiHandlers;
  /** Folder with the built renderer (index.html and assets). */
  staticDir: string;
  port?: number;
  host?: '127.0.0.1' | '::1' | 'localhost';
  token?: string;
  log?: (message: string) => void;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  broadcast(event: TrainingEvent): void;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const dispatch = createApiDispatcher(options.handlers, (error) => log(`internal error: ${(error as Error)?.stack}`));
  const staticRoot = resolve(options.staticDir);
  let port = 0;

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const hostAllowed = (req: IncomingMessage) => allowedHosts().has(req.headers.host ?? '');
  const originAllowed = (req: IncomingMessage) => {
    const origin = req.headers.origin;
    if (origin === undefined) return false;
    try {
      const url = new URL(origin);
      return url.protocol === 'http:' && allowedHosts().has(url.host);
    } catch {
      return false;
    }
  };
  const tokenMatches = (candidate: string | null) => {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const server: Server = createServer((req, res) => {
    void serveStatic(req, res).catch((error) => {
      log(`static error: ${(error as Error).message}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function serveStatic(req: IncomingMessage, res: ServerResponse) {
    if (!hostAllowed(req)) return refuse(res, 403, 'Forbidden: unexpected Host header.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    let path = decodeURIComponent(url.pathname);
    if (path === '/' || path === '/index.html') {
      if (!tokenMatches(url.searchParams.get('token')))
        return refuse(
          res,
          401,
          'Spikewright: open the full URL that `npm run web` printed; it carries the session token.',
        );
      path = '/index.html';
    }
    const file = normalize(join(staticRoot, path));
    if (!file.startsWith(staticRoot + sep)) return refuse(res, 404, 'Not found.');
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return refuse(res, 404, 'Not found.');
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': path === '/index.html' ? 'no-store' : 'max-age=3600',
      ...(path === '/index.html' ? { 'Content-Security-Policy': CSP } : {}),
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 600 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const reason = !hostAllowed(req)
      ? 'unexpected Host'
      : !originAllowed(req)
        ? 'foreign Origin'
        : url.pathname !== '/api'
          ? 'unknown path'
          : !tokenMatches(url.searchParams.get('token'))
            ? 'missing or wrong token'
            : null;
    if (reason) {
      log(`refused WebSocket: ${reason} (Origin ${req.headers.origin ?? 'none'}, Host ${req.headers.host ?? 'none'})`);
      socket.end(
        `HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nRefused: ${reason}.\n`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws) => {
    ws.on('message', async (data) => {
      let message: { id?: unknown; method?: unknown; params?: unknown };
      try {
        message = JSON.parse(data.toString());
      } catch {
        ws.send(JSON.stringify({ id: null, ok: false, error: 'Malformed message: not JSON.' }));
        return;
      }
      const response = await dispatch(message.method, message.params);
      if (ws.readyState === WebSocket.OPEN) ws.send(encodeMessage({ id: message.id ?? null, ...response }));
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = host === '::1' ? '[::1]' : host;
  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    port,
    token,
    broadcast(event) {
      // Never wait for a slow page: a client still busy with earlier frames skips this one.
      const frame = encodeMessage({ event });
      for (const client of wss.clients) {
        if (client.readyState !== WebSocket.OPEN) continue;
        if (event.type === 'activity' && client.bufferedAmount > 4 * 1024 * 1024) continue;
        client.send(frame);
      }
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}

function refuse(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}
