// Run history on disk. Every training run gets a folder of plain files a user can read
// without us:
//
//   <runs folder>/<run id>/run.json          what the run is and how it ended (rewritten atomically)
//                          graph.snn.json    the document as trained (its starting weights included)
//                          batches.jsonl     one line per training batch, appended as it happens
//                          epochs.jsonl      one line per epoch
//                          confusion.json    test-set confusion matrix (rows: true class)
//                          weights.snn.json  the trained document, weights included
//
// Each batch line is written (one write call) before the next batch starts, so a crash loses at
// most the batch in flight. The runs folder of `net.snn.json` is `net.runs/` beside it; unsaved
// documents use the app's data folder. Sweeps keep their runs in `<runs folder>/sweeps/<id>/runs/`.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type BatchRecord,
  batchRecordSchema,
  type EpochRecord,
  epochRecordSchema,
  flattenSettings,
  RUN_FORMAT,
  type RunDetail,
  type RunInfo,
  type RunSummary,
  runInfoSchema,
} from '../../shared/api/runs';
import { loadSnnFile } from '../../shared/file/snnFile';

export class RunStoreError extends Error {}

/** `dir/net.snn.json` -> `dir/net.runs`. */
export function runsFolderFor(documentPath: string): string {
  const dir = path.dirname(documentPath);
  const base = path
    .basename(documentPath)
    .replace(/\.snn\.json$/i, '')
    .replace(/\.json$/i, '');
  return path.join(dir, `${base}.runs`);
}

/** A fresh run id that sorts by start time: 20261201-214301-3fa2. */
export function newRunId(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export function writeJsonAtomic(file: string, value: unknown) {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temp, file);
}

export function writeTextAtomic(file: string, text: string) {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

export interface RunStart {
  name: string;
  source: RunInfo['source'];
  engine: string;
  threads: number;
  seed: number;
  settings: RunInfo['settings'];
  /** The document as trained (.snn.json text). */
  document: string;
  sweep?: RunInfo['sweep'];
}

/** Writes one run's folder as the run goes. */
export class RunRecorder {
  private info: RunInfo;
  private readonly batchFd: number;
  private readonly epochFd: number;
  private closed = false;

  constructor(
    readonly dir: string,
    start: RunStart,
  ) {
    mkdirSync(dir, { recursive: true });
    // A rerun of a sweep configuration starts clean.
    for (const f of ['batches.jsonl', 'epochs.jsonl', 'confusion.json', 'weights.snn.json'])
      rmSync(path.join(dir, f), { force: true });
    writeTextAtomic(path.join(dir, 'graph.snn.json'), start.document);
    this.info = {
      format: RUN_FORMAT,
      version: 1,
      id: path.basename(dir),
      name: start.name,
      status: 'running',
      source: start.source,
      startedAt: new Date().toISOString(),
      host: os.hostname(),
      pid: process.pid,
      engine: start.engine,
      threads: start.threads,
      seed: start.seed,
      settings: start.settings,
      ...(start.sweep ? { sweep: start.sweep } : {}),
    };
    this.writeInfo();
    this.batchFd = openSync(path.join(dir, 'batches.jsonl'), 'a');
    this.epochFd = openSync(path.join(dir, 'epochs.jsonl'), 'a');
  }

  get status() {
    return this.info.status;
  }

  started(ev: { backend: string; batchesPerEpoch: number }) {
    this.info.backend = ev.backend;
    this.info.batchesPerEpoch = ev.batchesPerEpoch;
    this.writeInfo();
  }

  batch(ev: BatchRecord) {
    if (this.closed) return;
    writeSync(
      this.batchFd,
      `${JSON.stringify({ epoch: ev.epoch, batch: ev.batch, loss: ev.loss, acc: ev.acc, ms: Math.round(ev.ms * 100) / 100 })}\n`,
    );
  }

  epoch(ev: EpochRecord) {
    if (this.closed) return;
    const line: EpochRecord = { epoch: ev.epoch, trainLoss: ev.trainLoss, trainAcc: ev.trainAcc };
    if (ev.valLoss !== undefined) line.valLoss = ev.valLoss;
    if (ev.valAcc !== undefined) line.valAcc = ev.valAcc;
    if (ev.seconds !== undefined) line.seconds = Math.round(ev.seconds * 1000) / 1000;
    writeSync(this.epochFd, `${JSON.stringify(line)}\n`);
  }

  /** Ends the run: done (with results and trained weights), failed or stopped. */
  finish(
    status: 'done' | 'failed' | 'stopped',
    result: { final?: RunInfo['final']; error?: string; weights?: string; confusion?: number[][]; seconds?: number },
  ) {
    if (this.closed) return;
    if (result.weights !== undefined) writeTextAtomic(path.join(this.dir, 'weights.snn.json'), result.weights);
    if (result.confusion) writeJsonAtomic(path.join(this.dir, 'confusion.json'), result.confusion);
    this.info.status = status;
    this.info.finishedAt = new Date().toISOString();
    this.info.seconds = result.seconds ?? (Date.parse(this.info.finishedAt) - Date.parse(this.info.startedAt)) / 1000;
    if (result.final) this.info.final = result.final;
    if (result.error) this.info.error = result.error;
    this.writeInfo();
    this.close();
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.batchFd);
    closeSync(this.epochFd);
  }

  private writeInfo() {
    writeJsonAtomic(path.join(this.dir, 'run.json'), this.info);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Reads a run's run.json. A run still marked running whose process on this host is gone
 * is reported as interrupted (the process crashed or was killed).
 */
export function readRunInfo(dir: string): RunInfo | null {
  let raw: string;
  try {
    raw = readFileSync(path.join(dir, 'run.json'), 'utf8');
  } catch {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = runInfoSchema.safeParse(json);
  if (!parsed.success) return null;
  const info = parsed.data;
  if (info.status === 'running' && info.host === os.hostname() && !pidAlive(info.pid))
    return { ...info, status: 'interrupted' };
  return info;
}

/** Where a run reference (relative to the runs folder) points; refuses anything outside it. */
export function resolveRunRef(runsFolder: string, ref: string): string {
  const root = path.resolve(runsFolder);
  const full = path.resolve(root, ref);
  if (!ref || path.isAbsolute(ref) || (full !== root && !full.startsWith(root + path.sep)) || full === root)
    throw new RunStoreError(`'${ref}' is not a run of ${root}.`);
  return full;
}

/** Every run in a runs folder, newest first: its own runs and those of its sweeps. */
export function listRuns(runsFolder: string): RunSummary[] {
  const out: RunSummary[] = [];
  const scan = (dir: string, prefix: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      const full = path.join(dir, name);
      const info = readRunInfo(full);
      if (info) out.push({ ...info, ref: `${prefix}${name}` });
    }
  };
  scan(runsFolder, '');
  const sweeps = path.join(runsFolder, 'sweeps');
  let sweepNames: string[] = [];
  try {
    sweepNames = readdirSync(sweeps);
  } catch {}
  for (const s of sweepNames) scan(path.join(sweeps, s, 'runs'), `sweeps/${s}/runs/`);
  return out.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
}

/** Parses a JSON-lines file, skipping a torn last line (a crash mid-write) and lines that do not fit. */
export function readJsonLines<T>(file: string, schema: { safeParse(v: unknown): { success: boolean; data?: T } }): T[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed = schema.safeParse(JSON.parse(line));
      if (parsed.success) out.push(parsed.data as T);
    } catch {}
  }
  return out;
}

export function readRun(runsFolder: string, ref: string): RunDetail {
  const dir = resolveRunRef(runsFolder, ref);
  const info = readRunInfo(dir);
  if (!info) throw new RunStoreError(`${ref} is not a readable run (no valid run.json in ${dir}).`);
  let confusion: number[][] | null = null;
  try {
    confusion = JSON.parse(readFileSync(path.join(dir, 'confusion.json'), 'utf8'));
  } catch {}
  let settings: RunDetail['settings'] = {};
  try {
    const loaded = loadSnnFile(readFileSync(path.join(dir, 'graph.snn.json'), 'utf8'));
    if (loaded.ok) settings = flattenSettings(loaded.file.graph, info);
  } catch {}
  return {
    run: { ...info, ref },
    batches: readJsonLines<BatchRecord>(path.join(dir, 'batches.jsonl'), batchRecordSchema),
    epochs: readJsonLines<EpochRecord>(path.join(dir, 'epochs.jsonl'), epochRecordSchema),
    confusion,
    settings,
    hasWeights: existsSync(path.join(dir, 'weights.snn.json')),
  };
}

/** The trained document of a run (.snn.json text). */
export function readRunWeights(runsFolder: string, ref: string): string {
  const file = path.join(resolveRunRef(runsFolder, ref), 'weights.snn.json');
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new RunStoreError(`Run ${ref} has no trained weights (it did not finish).`);
  }
}

/**
 * Marks a run that its process left behind (killed, hung and ended) as failed, with the reason,
 * so it never reads as running or interrupted. A run that ended on its own is left as it is.
 */
export function markRunFailed(dir: string, error: string): boolean {
  let info: RunInfo;
  try {
    const parsed = runInfoSchema.safeParse(JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8')));
    if (!parsed.success) return false;
    info = parsed.data;
  } catch {
    return false;
  }
  if (info.status !== 'running') return false;
  const finishedAt = new Date().toISOString();
  writeJsonAtomic(path.join(dir, 'run.json'), {
    ...info,
    status: 'failed',
    finishedAt,
    seconds: (Date.parse(finishedAt) - Date.parse(info.startedAt)) / 1000,
    error,
  });
  return true;
}

export function deleteRun(runsFolder: string, ref: string) {
  const dir = resolveRunRef(runsFolder, ref);
  const info = readRunInfo(dir);
  if (!info) throw new RunStoreError(`${ref} is not a run.`);
  if (info.status === 'running') throw new RunStoreError(`Run ${ref} is still running; stop it first.`);
  rmSync(dir, { recursive: true, force: true });
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
