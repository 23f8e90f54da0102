// The CLI in-process: argument errors and help, training a small Randman graph to a file, and
// running the trained file on an events file with recording.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadSnnFile } from '../../shared/file/snnFile';
import { smallRandmanDocument } from '../experiments/testing';
import { parseEventsFile } from './eventsFile';
import { main, UsageError } from './index';

let dir = '';
let out: string[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'spikewright-cli-'));
  out = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
});

function smallRandmanFile(): string {
  const p = path.join(dir, 'small.snn.json');
  writeFileSync(p, smallRandmanDocument());
  return p;
}

describe('cli', () => {
  it('rejects bad commands and options with a sentence', async () => {
    await expect(main(['fly'])).rejects.toThrow(
      /^Unknown command 'fly' \(commands: train, run, export, import, data, sweep, runs\)\.$/,
    );
    await expect(main(['train'])).rejects.toThrow(/^train needs a graph file\.$/);
    await expect(main(['train', 'x.snn.json', '--epochs', 'zero'])).rejects.toThrow(
      /^--epochs must be a whole number of at least 1 \(got zero\)\.$/,
    );
    await expect(main(['train', 'x.snn.json', '--epochs', '2.5'])).rejects.toThrow(/--epochs must be a whole number/);
    await expect(main(['train', 'x.snn.json', '--epochs='])).rejects.toThrow(/--epochs must be a whole number/);
    await expect(main(['train', 'x.snn.json', '--seed=-1'])).rejects.toThrow(
      /--seed must be a whole number of at least 0/,
    );
    await expect(main(['train', 'x.snn.json', '--bogus'])).rejects.toThrow(/^Unknown option --bogus for train \(/);
    await expect(main(['train', 'x.snn.json', '-x'])).rejects.toThrow(/^Unknown option -x for train/);
    // Options belong to their command: run's --input means nothing to train.
    await expect(main(['train', 'x.snn.json', '--input', 'e.json'])).rejects.toThrow(
      /Unknown option --input for train/,
    );
    await expect(main(['train', 'x.snn.json', '--epochs'])).rejects.toThrow(/^--epochs needs a value\.$/);
    await expect(main(['train', 'x.snn.json', '--epochs', '--json'])).rejects.toThrow(/^--epochs needs a value/);
    await expect(main(['train', 'x.snn.json', '--json=yes'])).rejects.toThrow(/^--json takes no value\.$/);
    await expect(main(['train', 'x.snn.json', 'y.snn.json'])).rejects.toThrow(
      /^Unexpected argument 'y.snn.json': train takes <graph.snn.json>\.$/,
    );
    await expect(main(['run', 'x.snn.json'])).rejects.toThrow(/^run needs --input <events.json>\.$/);
    await expect(main(['run', 'x.snn.json', '--input', 'e.json'])).rejects.toThrow(/^run needs --record <out.json>\.$/);
    await expect(main(['export', 'x.snn.json'])).rejects.toThrow(/^export needs -o <model.nir>\.$/);
    await expect(main(['export', 'x.snn.json', '-o'])).rejects.toThrow(/^--out needs a value\.$/);
    await expect(main(['import', 'x.nir', '-o', 'y.snn.json', '--format', 'nir'])).rejects.toThrow(
      /Unknown option --format for import/,
    );
    await expect(main(['train', path.join(dir, 'missing.snn.json')])).rejects.toThrow(/does not exist/);
    const bad = path.join(dir, 'bad.snn.json');
    writeFileSync(bad, '{"format": "something else"}');
    await expect(main(['train', bad])).rejects.toThrow(/not a Spikewright document/);
    await expect(main(['train', smallRandmanFile(), '--engine', 'gpu'])).rejects.toThrow(
      /^--engine must be fast or reference \(got gpu\)\.$/,
    );
    for (const argv of [['fly'], ['train', '--bogus'], ['train', 'x', '--epochs']])
      await expect(main(argv)).rejects.toBeInstanceOf(UsageError);
  });

  it('prints help: the command list, or one command with all its options', async () => {
    expect(await main([])).toBe(2);
    expect(await main(['help'])).toBe(0);
    const overview = out.join('');
    for (const name of ['train', 'run', 'export', 'import', 'data'])
      expect(overview).toMatch(new RegExp(`^  ${name} `, 'm'));
    out = [];
    expect(await main(['train', '--help'])).toBe(0);
    const help = out.join('');
    expect(help).toMatch(/^Usage: npm run cli -- train <graph.snn.json> \[--epochs N\]/);
    for (const flag of [
      '--epochs N',
      '--max-batches N',
      '--seed S',
      '--engine fast|reference',
      '--threads N',
      '--json',
      '--out trained.snn.json',
      '--cache-dir DIR',
    ])
      expect(help).toContain(`  ${flag} `);
    // --help wins over anything else on the line, even a mistake.
    out = [];
    expect(await main(['run', '--bogus', '-h'])).toBe(0);
    expect(out.join('')).toMatch(/Events file \(--input\)/);
    out = [];
    expect(await main(['help', 'export'])).toBe(0);
    expect(out.join('')).toMatch(/export <trained.snn.json> \[--target nir\|snntorch\|norse\]/);
  });

  it('reads options as --name value, --name=value and -o', async () => {
    const { parseCommand } = await import('./command');
    const { trainCommand } = await import('./train');
    expect(
      parseCommand(trainCommand, ['g.snn.json', '--epochs=3', '--seed', '0', '--json', '--engine', 'reference']),
    ).toEqual({
      positionals: ['g.snn.json'],
      values: { epochs: 3, seed: 0, json: true, engine: 'reference' },
    });
    // After `--` everything is an argument, even what looks like an option.
    expect(parseCommand(trainCommand, ['--', '--odd-name.snn.json']).positionals).toEqual(['--odd-name.snn.json']);
    const { COMMANDS } = await import('./index');
    const exportCommand = COMMANDS.find((c) => c.name === 'export');
    if (!exportCommand) throw new Error('no export command');
    expect(parseCommand(exportCommand, ['t.snn.json', '-o', 'm.nir']).values).toEqual({ out: 'm.nir' });
    expect(parseCommand(exportCommand, ['t.snn.json', '--out=m.nir']).values).toEqual({ out: 'm.nir' });
  });

  it('trains to a file, then runs it on recorded events', async () => {
    const file = smallRandmanFile();
    const trained = path.join(dir, 'trained.snn.json');
    const code = await main(['train', file, '--json', '--max-batches', '3', '--threads', '1', '--out', trained]);
    expect(code).toBe(0);
    const lines = out
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const batches = lines.filter((l) => 'batch' in l);
    expect(batches).toHaveLength(3);
    expect(Object.keys(batches[0]).sort()).toEqual(['acc', 'batch', 'epoch', 'loss', 'ms']);
    const final = lines.at(-1);
    expect(Object.keys(final).sort()).toEqual(['backend', 'engine', 'seconds', 'test_acc', 'train_acc']);
    expect(final.engine).toBe('fast');
    const loaded = loadSnnFile(readFileSync(trained, 'utf8'));
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.warnings).toEqual([]);
    expect(Object.keys(loaded.file.weights ?? {}).sort()).toEqual(['w_data_h0', 'w_h0_out']);
    expect(loaded.file.weights?.w_data_h0?.shape).toEqual([20, 24]);
    expect(loaded.file.metadata.training).toMatchObject({ epochs: 1, engine: 'fast' });

    const events = path.join(dir, 'events.json');
    writeFileSync(
      events,
      JSON.stringify({
        timeSteps: 40,
        units: 20,
        samples: [
          {
            events: [
              [0, 1],
              [3, 5],
              [3, 7],
              [10, 19],
            ],
            label: 2,
          },
          { events: [] },
        ],
      }),
    );
    const record = path.join(dir, 'record.json');
    out = [];
    expect(await main(['run', trained, '--input', events, '--record', record, '--neurons', '3'])).toBe(0);
    const summary = JSON.parse(out.join('').trim());
    expect(summary.predictions).toHaveLength(2);
    const rec = JSON.parse(readFileSync(record, 'utf8'));
    expect(rec.samples).toBe(2);
    const input = rec.populations.find((p: { kind: string }) => p.kind === 'input');
    expect(input.spikes).toEqual([0, 0, 1, 0, 3, 5, 0, 3, 7, 0, 10, 19]);
    const hidden = rec.populations.find((p: { id: string }) => p.id === 'h0');
    expect(hidden.membranes[0]).toHaveLength(3);
    expect(hidden.membranes[0][0]).toHaveLength(40);

    await expect(main(['run', file, '--input', events, '--record', record])).rejects.toThrow(/no trained weights/);
  });

  it('reads events files and says what is wrong with them', () => {
    expect(parseEventsFile({ timeSteps: 5, units: 3, events: [[4, 2]] }, 5, 3).ok).toBe(true);
    const wrong = (doc: unknown) => {
      const r = parseEventsFile(doc, 5, 3);
      return r.ok ? '' : r.error;
    };
    expect(wrong([])).toMatch(/JSON object/);
    expect(wrong({ timeSteps: 6, units: 3, events: [] })).toMatch(/expects 5/);
    expect(wrong({ timeSteps: 5, units: 3, events: [[5, 0]] })).toMatch(/step 5/);
    expect(wrong({ timeSteps: 5, units: 3, events: [[0, 3]] })).toMatch(/unit 3/);
    expect(wrong({ timeSteps: 5, units: 3, events: [[0]] })).toMatch(/not \[step, unit\]/);
  });
});
