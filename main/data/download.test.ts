import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../util/random';
import type { CatalogEntry } from './catalog';
import { type DownloadProgress, downloadDataset, downloadFile } from './download';
import { makeTempDir } from './testFiles';

const temp = makeTempDir();
const body = Buffer.from(new Random(5).fillUniform(new Float64Array(40_000)).buffer); // 320 kB
const md5 = createHash('md5').update(body).digest('hex');
const sha256 = createHash('sha256').update(body).digest('hex');

/** Requests seen, and how the next ones should misbehave. */
const log: { path: string; range: string | undefined }[] = [];
let dropFirstAt: number | undefined;
let failuresLeft = 0;

const server = http.createServer((req, res) => {
  log.push({ path: req.url ?? '', range: req.headers.range });
  if (req.url === '/missing') {
    res.writeHead(404).end();
    return;
  }
  if (failuresLeft > 0) {
    failuresLeft--;
    res.writeHead(503).end();
    return;
  }
  const data = req.url === '/data.gz' ? gzipSync(body) : body;
  const range = /bytes=(\d+)-/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  const headers: http.OutgoingHttpHeaders = { 'Content-Length': data.length - start, 'Accept-Ranges': 'bytes' };
  if (range) headers['Content-Range'] = `bytes ${start}-${data.length - 1}/${data.length}`;
  res.writeHead(range ? 206 : 200, headers);
  if (dropFirstAt !== undefined && !range) {
    // Send part of the body, then close the connection (FIN, so the bytes sent arrive first).
    res.write(data.subarray(0, dropFirstAt), () => res.socket?.end());
    dropFirstAt = undefined;
    return;
  }
  res.end(data.subarray(start));
});
let base = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  temp.remove();
});

describe('downloadFile (local server only)', () => {
  it('downloads, reports progress and verifies MD5 and SHA-256', async () => {
    const dest = join(temp.dir, 'plain.bin');
    const events: DownloadProgress[] = [];
    await downloadFile({ url: `${base}/data`, dest, md5, sha256 }, { onProgress: (p) => events.push(p) });
    expect(readFileSync(dest).equals(body)).toBe(true);
    const downloads = events.filter((e) => e.phase === 'download');
    expect(downloads.at(-1)).toMatchObject({ receivedBytes: body.length, totalBytes: body.length });
    for (let i = 1; i < downloads.length; i++)
      expect(downloads[i]!.receivedBytes).toBeGreaterThanOrEqual(downloads[i - 1]!.receivedBytes);
    expect(events.map((e) => e.phase)).toContain('verify');
    expect(events.at(-1)!.phase).toBe('done');
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it('on a checksum mismatch fails clearly and leaves no file behind', async () => {
    const dest = join(temp.dir, 'bad.bin');
    const wrong = '0'.repeat(64);
    await expect(downloadFile({ url: `${base}/data`, dest, sha256: wrong }, { retryDelayMs: 1 })).rejects.toThrow(
      /SHA256 checksum mismatch: expected 0{64}, got [0-9a-f]{64}; the downloaded file was deleted/,
    );
    expect(readdirSync(temp.dir).filter((f) => f.startsWith('bad.bin'))).toEqual([]);
    await expect(downloadFile({ url: `${base}/data`, dest, size: 12 }, { retryDelayMs: 1 })).rejects.toThrow(
      /size mismatch/,
    );
    expect(existsSync(dest) || existsSync(`${dest}.part`)).toBe(false);
  });

  it('resumes with a Range request after a dropped connection', async () => {
    const dest = join(temp.dir, 'resumed.bin');
    log.length = 0;
    dropFirstAt = 100_000;
    await downloadFile({ url: `${base}/data`, dest, md5 }, { retryDelayMs: 1 });
    expect(readFileSync(dest).equals(body)).toBe(true);
    expect(log.length).toBe(2);
    expect(log[0]!.range).toBeUndefined();
    const resumedFrom = Number(/bytes=(\d+)-/.exec(log[1]!.range ?? '')?.[1]);
    expect(resumedFrom).toBeGreaterThan(0);
    expect(resumedFrom).toBeLessThanOrEqual(100_000);
  });

  it('resumes a .part file left by an earlier run', async () => {
    const dest = join(temp.dir, 'earlier.bin');
    writeFileSync(`${dest}.part`, body.subarray(0, 1234));
    log.length = 0;
    await downloadFile({ url: `${base}/data`, dest, md5 }, { retryDelayMs: 1 });
    expect(log[0]!.range).toBe('bytes=1234-');
    expect(readFileSync(dest).equals(body)).toBe(true);
  });

  it('retries server errors, gives up on 404 at once', async () => {
    const dest = join(temp.dir, 'retry.bin');
    failuresLeft = 2;
    await downloadFile({ url: `${base}/data`, dest, md5 }, { retryDelayMs: 1 });
    expect(readFileSync(dest).equals(body)).toBe(true);
    log.length = 0;
    await expect(
      downloadFile({ url: `${base}/missing`, dest: join(temp.dir, 'm') }, { retryDelayMs: 1 }),
    ).rejects.toThrow(/missing: server answered HTTP 404/);
    expect(log.length).toBe(1);
    failuresLeft = 10;
    await expect(
      downloadFile({ url: `${base}/data`, dest: join(temp.dir, 'r2') }, { retries: 2, retryDelayMs: 1 }),
    ).rejects.toThrow(/HTTP 503/);
    failuresLeft = 0;
  });

  it('downloads a catalog entry and decompresses .gz files', async () => {
    const entry: CatalogEntry = {
      name: 'shd',
      title: 'Test set',
      cacheFolder: 'test-set',
      systemFolders: [],
      files: [
        { name: 'a.bin', url: `${base}/data`, md5 },
        { name: 'b.bin', url: `${base}/data.gz`, gunzip: true },
      ],
      downloadMegabytes: 1,
      homepage: '',
    };
    const folder = await downloadDataset(entry, join(temp.dir, 'cache'), { retryDelayMs: 1 });
    expect(readFileSync(join(folder, 'a.bin')).equals(body)).toBe(true);
    expect(readFileSync(join(folder, 'b.bin')).equals(body)).toBe(true);
    expect(readdirSync(folder).sort()).toEqual(['a.bin', 'b.bin']);
  });
});
