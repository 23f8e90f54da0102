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
import { pipeline } from 'node:stream/promises';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { type ApiHandlers, type BackendEvent, createApiDispatcher } from '../../shared/api/contract';
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
  /** The largest WebSocket message accepted; a bigger one closes that connection (1009). */
  maxMessageBytes?: number;
}

/**
 * The largest request the contract allows (a 700 MB base64 NIR file) plus its envelope. A frame
 * that declares more is refused from its header, before anything is buffered.
 */
export const MAX_MESSAGE_BYTES = 701 * 1024 * 1024;

export interface WebServer {
  url: string;
  port: number;
  token: string;
  /** Training and sweep events to every page. */
  broadcast(event: BackendEvent): void;
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
    const path0 = requestPath(req.url);
    if (path0 === null) return refuse(res, 400, 'Bad request: malformed URL or %-encoding.');
    const { url } = path0;
    let path = path0.path;
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
    // pipeline, not pipe: a read error or a client gone mid-transfer ends this response only.
    await pipeline(createReadStream(file), res).catch((error) => {
      log(`static file ${path}: ${(error as Error).message}`);
      res.destroy();
    });
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    // A connection reset during the handshake must not become an uncaught 'error'.
    socket.on('error', (error) => log(`WebSocket handshake: ${error.message}`));
    const url = requestPath(req.url)?.url ?? null;
    const reason = !url
      ? 'malformed URL'
      : !hostAllowed(req)
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
    // A malformed frame (bad opcode, RSV bits, invalid UTF-8, an oversized length, a stray
    // continuation, an unmasked frame) makes ws emit 'error' and close this connection with the
    // matching status code; without a listener that error would end the whole server.
    ws.on('error', (error) => log(`closed a WebSocket connection: ${error.message}`));
    ws.on('message', (data, isBinary) => {
      void answer(ws, data, isBinary).catch((error) => log(`internal error: ${(error as Error)?.stack ?? error}`));
    });
  });

  /** Parses, validates and answers one message; every failure becomes a reply or a log line. */
  async function answer(ws: WebSocket, data: RawData, isBinary: boolean) {
    const request = parseRequest(data, isBinary);
    const reply = (message: unknown) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.send(encodeMessage(message), (error) => error && log(`reply not sent: ${error.message}`));
    };
    if (!request.ok) return reply({ id: request.id, ok: false, error: request.error });
    const response = await dispatch(request.method, request.params);
    reply({ id: request.id, ...response });
  }

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

/** The request's URL and decoded path, or null when either is malformed. */
function requestPath(raw: string | undefined): { url: URL; path: string } | null {
  try {
    const url = new URL(raw ?? '/', 'http://placeholder');
    const path = decodeURIComponent(url.pathname);
    return path.includes('\0') ? null : { url, path };
  } catch {
    return null;
  }
}

type Request =
  | { ok: true; id: RequestId; method: unknown; params: unknown }
  | { ok: false; id: RequestId; error: string };
type RequestId = string | number | null;

/** A request is a JSON object `{id, method, params}`; anything else is answered as malformed. */
export function parseRequest(data: RawData, isBinary: boolean): Request {
  if (isBinary) return { ok: false, id: null, error: 'Malformed message: requests are JSON text frames.' };
  let message: unknown;
  try {
    message = JSON.parse(rawText(data));
  } catch {
    return { ok: false, id: null, error: 'Malformed message: not JSON.' };
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    return { ok: false, id: null, error: 'Malformed message: expected an object {id, method, params}.' };
  const { id, method, params } = message as Record<string, unknown>;
  const validId: RequestId = typeof id === 'string' || typeof id === 'number' ? id : null;
  if (id !== undefined && id !== null && validId === null)
    return { ok: false, id: null, error: 'Malformed message: id must be a string or a number.' };
  if (typeof method !== 'string')
    return { ok: false, id: validId, error: 'Malformed message: method must be a string.' };
  return { ok: true, id: validId, method, params };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function refuse(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}
