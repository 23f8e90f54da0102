// A sweep on a real Slurm: the CLI writes a job array, submits it with sbatch and follows the
// sweep folder until every task has finished, one of them failing. .ci/run installs Slurm
// and starts a one-node cluster (scripts/slurm-local.sh); there (SPIKEWRIGHT_REQUIRE_SLURM=1)
// a missing Slurm fails this test. Elsewhere the test starts the cluster itself when it can
// (root with slurm-wlm installed) and is skipped otherwise.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { arraySpec } from './slurm';
import { smallRandmanDocument } from './testing';

const root = fileURLToPath(new URL('../..', import.meta.url));

function slurmUp(): boolean {
  return spawnSync('sinfo', ['-h'], { stdio: 'ignore' }).status === 0;
}

function ensureSlurm(): boolean {
  if (slurmUp()) return true;
  const canStart = process.getuid?.() === 0 && spawnSync('which', ['slurmctld']).status === 0;
  if (canStart) spawnSync('bash', [path.join(root, 'scripts/slurm-local.sh')], { stdio: 'inherit' });
  return slurmUp();
}

const required = process.env.SPIKEWRIGHT_REQUIRE_SLURM === '1';
const available = ensureSlurm();

describe('arraySpec', () => {
  it('writes indices as sbatch ranges', () => {
    expect(arraySpec([0, 1, 2, 5, 7, 8])).toBe('0-2,5,7-8');
    expect(arraySpec([3])).toBe('3');
  });
});

describe.runIf(available || required)('Slurm sweep', () => {
  it('Slurm is running (required in CI)', () => {
    expect(available, 'sinfo does not answer: install slurm-wlm and munge, run scripts/slurm-local.sh').toBe(true);
  });

  it('runs a job array to completion and reports the failed task as failed', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'spikewright-slurm-'));
    const graph = path.join(dir, 'small.snn.json');
    writeFileSync(graph, smallRandmanDocument());
    const cli = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'main/cli/index.ts'), ...args], {
        cwd: root,
        encoding: 'utf8',
        timeout: 170_000,
      });
    // Three configurations; a negative membrane time constant cannot train.
    const result = cli([
      'sweep',
      graph,
      '--grid',
      'h0.tauMem=20,10,-1',
      '--epochs',
      '1',
      '--max-batches',
      '2',
      '--max-eval-batches',
      '1',
      '--slurm',
    ]);
    expect(result.stderr).toMatch(/Submitted 3 tasks as Slurm job \d+/);
    expect(result.status, result.stderr).toBe(1);
    const sweepDir = JSON.parse(result.stdout.split('\n')[0] as string).sweep as string;
    const script = readFileSync(path.join(sweepDir, 'sweep.sbatch'), 'utf8');
    expect(script).toContain('#SBATCH --array=0-2');
    expect(script).toContain('sweep task');

    const status = cli(['sweep', 'status', sweepDir, '--json']);
    const parsed = JSON.parse(status.stdout);
    expect(parsed.counts).toMatchObject({ done: 2, failed: 1, pending: 0, running: 0 });
    expect(parsed.configs.map((c: { status: string }) => c.status)).toEqual(['done', 'done', 'failed']);
    expect(parsed.configs[2].error).toMatch(/tauMem|time constant|membrane/i);
    const runInfo = JSON.parse(readFileSync(path.join(sweepDir, 'runs/000/run.json'), 'utf8'));
    expect(runInfo.source).toBe('slurm');
    // Slurm's own record agrees: the failed task exited non-zero.
    const jobId = JSON.parse(readFileSync(path.join(sweepDir, 'sweep.json'), 'utf8')).slurm.jobId;
    const log = execFileSync('bash', ['-c', `cat ${path.join(sweepDir, 'slurm')}/${jobId}_2.out`], {
      encoding: 'utf8',
    });
    expect(log).toMatch(/configuration 2: failed/);
  }, 180_000);
});
