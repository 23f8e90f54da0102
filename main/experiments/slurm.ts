// Sweeps on a Slurm cluster. We write one job array script whose tasks each run
// `cli sweep task <sweep folder> --index $SLURM_ARRAY_TASK_ID` on shared storage, submit it
// with sbatch, and follow the sweep folder; Slurm does all the scheduling.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadSweep, saveSweep } from './sweep';

const run = promisify(execFile);

export class SlurmError extends Error {}

const repoRoot = () => path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Array indices as sbatch writes them: `0-3,7,9-11`. */
export function arraySpec(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export interface SlurmOptions {
  cpusPerTask: number;
  /** Extra `#SBATCH` lines, e.g. `--partition=short`, `--time=00:30:00`. */
  sbatchArgs?: string[];
  /** At most this many tasks at once (`--array=...%N`). */
  maxParallel?: number;
}

/** The job array script for the given configurations of a sweep. */
export function slurmScript(sweepDir: string, indices: readonly number[], options: SlurmOptions): string {
  const plan = loadSweep(sweepDir);
  const root = repoRoot();
  const logs = path.join(sweepDir, 'slurm');
  const lines = [
    '#!/bin/bash',
    `# Spikewright sweep ${plan.name} (${plan.id}): one array task per configuration.`,
    '# Each task trains one configuration into runs/<index>/ of the sweep folder; finished',
    '# configurations are skipped when the sweep is resubmitted.',
    `#SBATCH --job-name=${`spikewright-${plan.name}`.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60)}`,
    `#SBATCH --array=${arraySpec(indices)}${options.maxParallel ? `%${options.maxParallel}` : ''}`,
    `#SBATCH --cpus-per-task=${options.cpusPerTask}`,
    '#SBATCH --ntasks=1',
    `#SBATCH --output=${logs}/%A_%a.out`,
    ...(options.sbatchArgs ?? []).map((a) => `#SBATCH ${a}`),
    'set -euo pipefail',
    `cd ${quote(root)}`,
    `exec ${quote(process.execPath)} --import tsx ${quote(path.join(root, 'main/cli/index.ts'))} sweep task ${quote(sweepDir)} --index "$SLURM_ARRAY_TASK_ID" --threads "\${SLURM_CPUS_PER_TASK:-1}"`,
    '',
  ];
  return lines.join('\n');
}

/** Writes the script into the sweep folder, submits it and records the job id in sweep.json. */
export async function submitSweep(
  sweepDir: string,
  indices: readonly number[],
  options: SlurmOptions,
): Promise<{ jobId: string; script: string }> {
  if (!indices.length) throw new SlurmError('Every configuration of this sweep has finished; nothing to submit.');
  const script = path.join(sweepDir, 'sweep.sbatch');
  mkdirSync(path.join(sweepDir, 'slurm'), { recursive: true });
  writeFileSync(script, slurmScript(sweepDir, indices, options), { mode: 0o755 });
  let stdout: string;
  try {
    ({ stdout } = await run('sbatch', ['--parsable', script]));
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new SlurmError('sbatch is not installed here (is this a Slurm login node?).');
    throw new SlurmError(`sbatch refused the job: ${(err.stderr ?? err.message).trim()}`);
  }
  const jobId = stdout.trim().split(';')[0] as string;
  if (!/^\d+$/.test(jobId)) throw new SlurmError(`sbatch answered '${stdout.trim()}', not a job id.`);
  const plan = loadSweep(sweepDir);
  saveSweep(sweepDir, { ...plan, slurm: { jobId, script, submittedAt: new Date().toISOString() } });
  return { jobId, script };
}

/**
 * The array tasks Slurm still holds (pending or running), or null when squeue cannot be
 * asked. A configuration with no result whose task is no longer queued has failed.
 */
export async function queuedTasks(jobId: string): Promise<Set<number> | null> {
  try {
    const { stdout } = await run('squeue', ['-h', '-r', '-j', jobId, '-o', '%i']);
    const out = new Set<number>();
    for (const line of stdout.split('\n')) {
      const m = /^\d+_(\d+)$/.exec(line.trim());
      if (m) out.add(Number(m[1]));
      // A not-yet-split pending array shows as 123_[0-5]: all of its tasks are queued.
      const range = /^\d+_\[(.+)\]$/.exec(line.trim());
      if (range)
        for (const part of (range[1] as string).split('%')[0]?.split(',') ?? []) {
          const [a = 0, b = a] = part.split('-').map(Number);
          for (let i = a; i <= b; i++) out.add(i);
        }
    }
    return out;
  } catch (e) {
    const err = e as { stderr?: string };
    // A job Slurm has already forgotten: nothing of it is queued.
    if (err.stderr?.includes('Invalid job id')) return new Set();
    return null;
  }
}
