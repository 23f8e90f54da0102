// Downloads dataset files with progress, resume (HTTP Range into a .part file), retries and verification.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { CatalogEntry, RemoteFile } from './catalog';
import { DatasetError } from './datasetError';

export interface DownloadProgress {
  /** Name of the file being fetched. */
  file: string;
  phase: 'download' | 'verify' | 'decompress' | 'done';
  receivedBytes: number;
  /** Known from Content-Length / Content-Range; undefined when the server does not say. */
  totalBytes: number | undefined;
}

export interface DownloadOptions {
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Attempts after the first one when the connection drops or the server fails (5xx). */
  retries?: number;
  /** Wait before retry k is retryDelayMs * 2^k. */
  retryDelayMs?: number;
  /** Give up on a connection that sends nothing for this long. */
  idleTimeoutMs?: number;
}

export interface FileDownload {
  url: string;
  /** Where the finished file goes; `${dest}.part` holds the bytes while they arrive. */
  dest: string;
  md5?: string;
  sha256?: string;
  /** Exact size of the download in bytes, when known. */
  size?: number;
  /** Decompress the download (gzip) into `dest`. */
  gunzip?: boolean;
}

/** Fetches every missing file of `entry` into `cacheDir/<entry.cacheFolder>`; returns that folder. */
export async function downloadDataset(
  entry: CatalogEntry,
  cacheDir: string,
  options: DownloadOptions = {},
): Promise<string> {
  const folder = join(cacheDir, entry.cacheFolder);
  await mkdir(folder, { recursive: true });
  for (const file of entry.files) {
    const dest = join(folder, file.name);
    if (existsSync(dest)) continue;
    await downloadFile(toDownload(file, dest), options);
  }
  return folder;
}

function toDownload(file: RemoteFile, dest: string): FileDownload {
  return {
    url: file.url,
    dest,
    ...(file.md5 ? { md5: file.md5 } : {}),
    ...(file.sha256 ? { sha256: file.sha256 } : {}),
    ...(file.gunzip ? { gunzip: true } : {}),
  };
}

/**
 * Downloads one file. Bytes go to `${dest}.part`; after a dropped connection the next attempt
 * asks for the rest (Range) and appends. The finished download is checked (size, MD5/SHA-256)
 * before it is moved to `dest`, so `dest` never holds a partial or corrupt file; a file that
 * fails the check is deleted and the error says so.
 */
export async function downloadFile(job: FileDownload, options: DownloadOptions = {}): Promise<void> {
  const part = `${job.dest}.part`;
  const name = job.dest.split(/[\\/]/).pop() ?? job.dest;
  const retries = options.retries ?? 4;
  const report = (phase: DownloadProgress['phase'], receivedBytes: number, totalBytes: number | undefined) =>
    options.onProgress?.({ file: name, phase, receivedBytes, totalBytes });
  let total: number | undefined = job.size;
  for (let attempt = 0; ; attempt++) {
    try {
      total = await fetchInto(job.url, part, total, options, (received, t) => report('download', received, t));
      break;
    } catch (error) {
      const retryable = !(error instanceof DatasetError) || (error as DatasetError & { retryable?: boolean }).retryable;
      if (options.signal?.aborted)
        throw new DatasetError(job.url, 'download cancelled (the partial file is kept to resume later)');
      if (!retryable || attempt >= retries) {
        if (error instanceof DatasetError) throw error;
        throw new DatasetError(job.url, `download failed after ${attempt + 1} attempts: ${networkProblem(error)}`, {
          cause: error,
        });
      }
      await delay((options.retryDelayMs ?? 1000) * 2 ** attempt, options.signal);
    }
  }
  const size = (await stat(part)).size;
  report('verify', size, total);
  const problem = await verify(part, size, job);
  if (problem) {
    await rm(part, { force: true });
    throw new DatasetError(job.url, `${problem}; the downloaded file was deleted, try again`);
  }
  if (job.gunzip) {
    report('decompress', size, total);
    const tmp = `${job.dest}.tmp`;
    try {
      await pipeline(createReadStream(part), createGunzip(), createWriteStream(tmp));
    } catch (error) {
      await rm(tmp, { force: true });
      await rm(part, { force: true });
      throw new DatasetError(
        job.url,
        `corrupt gzip data (${(error as Error).message}); the download was deleted, try again`,
        {
          cause: error,
        },
      );
    }
    await rename(tmp, job.dest);
    await rm(part, { force: true });
  } else {
    await rename(part, job.dest);
  }
  report('done', size, total);
}

async function verify(path: string, size: number, job: FileDownload): Promise<string | undefined> {
  if (job.size !== undefined && size !== job.size) return `size mismatch: expected ${job.size} bytes, got ${size}`;
  for (const algorithm of ['md5', 'sha256'] as const) {
    const expected = job[algorithm];
    if (!expected) continue;
    const hash = createHash(algorithm);
    await pipeline(createReadStream(path), hash);
    const actual = hash.digest('hex');
    if (actual !== expected.toLowerCase())
      return `${algorithm.toUpperCase()} checksum mismatch: expected ${expected}, got ${actual}`;
  }
  return undefined;
}

class HttpError extends DatasetError {
  readonly retryable: boolean;
  constructor(url: string, status: number) {
    super(url, `server answered HTTP ${status}`);
    this.retryable = status >= 500 || status === 408 || status === 429;
  }
}

/** One attempt: resumes from the .part file's size; resolves with the total size once complete. */
async function fetchInto(
  url: string,
  part: string,
  knownTotal: number | undefined,
  options: DownloadOptions,
  progress: (received: number, total: number | undefined) => void,
): Promise<number | undefined> {
  let start = existsSync(part) ? (await stat(part)).size : 0;
  if (knownTotal !== undefined && start === knownTotal) return knownTotal;
  const response = await request(url, start > 0 ? { Range: `bytes=${start}-` } : {}, options);
  let total: number | undefined;
  if (response.statusCode === 206) {
    const range = /bytes (\d+)-\d+\/(\d+|\*)/.exec(response.headers['content-range'] ?? '');
    if (!range || Number(range[1]) !== start) {
      response.resume();
      // A range we did not ask for: start over rather than risk a spliced file.
      await rm(part, { force: true });
      throw new Error('server resumed at the wrong offset');
    }
    total = range[2] === '*' ? undefined : Number(range[2]);
  } else if (response.statusCode === 200) {
    start = 0; // the server ignored Range: take the whole body again
    const length = response.headers['content-length'];
    total = length === undefined ? undefined : Number(length);
  } else if (response.statusCode === 416 && start > 0) {
    // Nothing left to send: the part file is already complete (verification will tell).
    response.resume();
    return knownTotal ?? start;
  } else {
    response.resume();
    throw new HttpError(url, response.statusCode ?? 0);
  }
  const out = createWriteStream(part, { flags: start > 0 ? 'a' : 'w' });
  let received = start;
  progress(received, total);
  response.on('data', (chunk: Buffer) => {
    received += chunk.length;
    progress(received, total);
  });
  // Not `pipeline`: on a dropped connection it destroys the file stream, and whatever that
  // stream still buffered is never written, so the next attempt would resume from fewer bytes
  // than arrived (or from none). Here the file is always ended and flushed first.
  const failure = await new Promise<Error | undefined>((resolve) => {
    let lost: Error | undefined;
    response.on('error', (error) => {
      lost ??= error;
    });
    response.on('close', () => {
      if (!response.complete) lost ??= new Error('the connection closed early');
      if (!out.writableEnded) out.end();
    });
    out.on('finish', () => resolve(lost));
    out.on('error', (error) => {
      response.destroy();
      resolve(error);
    });
    response.pipe(out);
  });
  if (failure) throw new Error(`connection lost after ${received} bytes (${failure.message})`, { cause: failure });
  if (!response.complete) throw new Error(`connection lost after ${received} bytes`);
  if (total !== undefined && received !== total) throw new Error(`connection closed at ${received} of ${total} bytes`);
  return total ?? received;
}

function request(
  url: string,
  headers: Record<string, string>,
  options: DownloadOptions,
  redirects = 0,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new DatasetError(url, 'not a valid URL'));
      return;
    }
    const client = parsed.protocol === 'https:' ? https : parsed.protocol === 'http:' ? http : undefined;
    if (!client) {
      reject(new DatasetError(url, 'only http and https URLs can be downloaded'));
      return;
    }
    const req = client.get(
      parsed,
      { headers: { 'User-Agent': 'Spikewright', ...headers }, signal: options.signal },
      (res) => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (status >= 300 && status < 400 && location) {
          res.resume();
          if (redirects >= 5) reject(new DatasetError(url, 'too many redirects'));
          else resolve(request(new URL(location, parsed).toString(), headers, options, redirects + 1));
          return;
        }
        resolve(res);
      },
    );
    req.setTimeout(options.idleTimeoutMs ?? 30_000, () => req.destroy(new Error('no data for too long')));
    req.on('error', reject);
  });
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function networkProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return 'cannot resolve the host name (offline, or a proxy is needed?)';
  if (code === 'ECONNREFUSED') return 'the server refused the connection';
  return (error as Error)?.message ?? String(error);
}
