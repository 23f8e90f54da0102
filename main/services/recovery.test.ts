import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRecentFiles, createRecoveryStore } from './recovery';

describe('recovery file', () => {
  it('keeps the last written document until cleared', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-recovery-'));
    const store = createRecoveryStore(dir);
    expect(await store.read()).toBeNull();
    await store.write('{"a":1}', 'net.snn.json');
    await store.write('{"a":2}', 'net.snn.json');
    expect(await store.read()).toMatchObject({ text: '{"a":2}', name: 'net.snn.json' });
    await store.clear();
    expect(await store.read()).toBeNull();
  });

  it('treats a damaged recovery file as none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-recovery-'));
    writeFileSync(join(dir, 'recovery.json'), '{"text": "half');
    expect(await createRecoveryStore(dir).read()).toBeNull();
  });

  it('lists recent files newest first without duplicates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-recent-'));
    const recent = createRecentFiles(dir, 3);
    await recent.add('/a');
    await recent.add('/b');
    await recent.add('/a');
    await recent.add('/c');
    expect(await recent.add('/d')).toEqual(['/d', '/c', '/a']);
    expect(await recent.list()).toEqual(['/d', '/c', '/a']);
  });
});
