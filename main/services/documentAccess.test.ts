import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApiDispatcher } from '../../shared/api/contract';
import { withDocumentExtension } from '../../shared/api/documentPaths';
import { createHandlers, type DesktopShell } from './backend';
import { type DocumentAccess, grantedAccess, workspaceAccess } from './documentAccess';
import type { TrainingService } from './training';

const DOC = readFileSync(new URL('../../examples/randman.snn.json', import.meta.url), 'utf8');

/** A workspace with a document, and beside it (outside) a secret and a folder. */
function scene() {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'spikewright-access-')));
  const workspace = join(base, 'workspace');
  const outside = join(base, 'outside');
  mkdirSync(workspace);
  mkdirSync(outside);
  writeFileSync(join(workspace, 'net.snn.json'), DOC);
  writeFileSync(join(outside, 'secret.snn.json'), '{"secret": true}');
  return { base, workspace, outside };
}

const noTraining: TrainingService = {
  start: async () => {
    throw new Error('not in this test');
  },
  pause() {},
  resume() {},
  stop: async () => ({ ended: 'stopped' as const }),
  dispose() {},
};

/** The real API over `access`, as a transport would call it. */
function api(access: DocumentAccess, shell?: DesktopShell) {
  const handlers = createHandlers({
    examplesDir: 'examples',
    appVersion: '0.0.0',
    transport: shell ? 'electron' : 'web',
    training: noTraining,
    stateDir: mkdtempSync(join(tmpdir(), 'spikewright-state-')),
    access,
    ...(shell ? { shell } : {}),
  });
  return createApiDispatcher(handlers);
}

const webApi = async (workspace: string) => api(await workspaceAccess(workspace));

describe('web mode: documents are confined to the workspace', () => {
  it('a client with the token cannot read /etc/passwd or /proc/self/environ', async () => {
    const { workspace } = scene();
    const call = await webApi(workspace);
    for (const path of [
      '/etc/passwd',
      '/proc/self/environ',
      '../../../../etc/passwd',
      `${workspace}/../../etc/passwd`,
    ]) {
      const response = await call('openDocument', { path });
      expect(response).toMatchObject({ ok: false });
      expect(JSON.stringify(response)).not.toMatch(/root:|PATH=/);
      expect((response as { error: string }).error).toMatch(/outside the workspace folder|opens only \.snn\.json/);
    }
  });

  it('a client cannot write outside the workspace nor create folders there', async () => {
    const { base, workspace, outside } = scene();
    const call = await webApi(workspace);
    for (const path of [
      join(outside, 'x.snn.json'),
      '../outside/x.snn.json',
      join(base, 'new', 'x.snn.json'),
      '/tmp/x.snn.json',
    ]) {
      const response = await call('saveDocument', { path, text: DOC });
      expect(response).toMatchObject({ ok: false });
      expect((response as { error: string }).error).toContain('outside the workspace folder');
    }
    expect(existsSync(join(outside, 'x.snn.json'))).toBe(false);
    expect(existsSync(join(base, 'new'))).toBe(false);
  });

  it('refuses symbolic links that lead out, for reading and for writing', async () => {
    const { workspace, outside } = scene();
    symlinkSync(join(outside, 'secret.snn.json'), join(workspace, 'link.snn.json'));
    symlinkSync(outside, join(workspace, 'out'));
    symlinkSync('/etc/passwd', join(workspace, 'passwd.snn.json'));
    const call = await webApi(workspace);
    for (const path of ['link.snn.json', 'out/secret.snn.json', 'passwd.snn.json']) {
      const read = (await call('openDocument', { path })) as { ok: boolean; error: string };
      expect(read.ok).toBe(false);
      expect(read.error).toContain('symbolic link that leads outside the workspace');
    }
    for (const path of ['link.snn.json', 'out/new.snn.json', 'out/deeper/new.snn.json']) {
      const write = (await call('saveDocument', { path, text: '{}' })) as { ok: boolean; error: string };
      expect(write.ok).toBe(false);
      expect(write.error).toContain('symbolic link that leads outside the workspace');
    }
    expect(readFileSync(join(outside, 'secret.snn.json'), 'utf8')).toBe('{"secret": true}');
    expect(existsSync(join(outside, 'new.snn.json'))).toBe(false);
    expect(existsSync(join(outside, 'deeper'))).toBe(false);
  });

  it('reads and writes only .snn.json documents (and reads .nir files)', async () => {
    const { workspace } = scene();
    writeFileSync(join(workspace, 'notes.txt'), 'hello');
    writeFileSync(join(workspace, 'plain.json'), DOC);
    const call = await webApi(workspace);
    expect(await call('openDocument', { path: 'notes.txt' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('opens only .snn.json documents and .nir files'),
    });
    expect(await call('openDocument', { path: 'plain.json' })).toMatchObject({ ok: false });
    expect(await call('saveDocument', { path: 'x.json', text: DOC })).toMatchObject({
      ok: false,
      error: expect.stringContaining('only as .snn.json files'),
    });
    expect(await call('saveDocument', { path: 'model.nir', text: DOC })).toMatchObject({ ok: false });
    expect(await call('saveDocument', { path: '.bashrc', text: DOC })).toMatchObject({ ok: false });
    expect(existsSync(join(workspace, 'x.json'))).toBe(false);
  });

  it('opens and saves inside the workspace, by relative or absolute path, creating folders there', async () => {
    const { workspace } = scene();
    const call = await webApi(workspace);
    const opened = await call('openDocument', { path: 'net.snn.json' });
    expect(opened).toMatchObject({ ok: true, result: { path: join(workspace, 'net.snn.json'), name: 'net.snn.json' } });
    const saved = await call('saveDocument', { path: 'runs/today/net.snn.json', text: DOC });
    expect(saved).toMatchObject({ ok: true, result: { path: join(workspace, 'runs/today/net.snn.json') } });
    expect(readFileSync(join(workspace, 'runs/today/net.snn.json'), 'utf8')).toBe(DOC);
    expect(await call('openDocument', { path: join(workspace, 'runs/today/net.snn.json') })).toMatchObject({
      ok: true,
    });
    // A link that stays inside the workspace is fine.
    symlinkSync(join(workspace, 'net.snn.json'), join(workspace, 'alias.snn.json'));
    expect(await call('openDocument', { path: 'alias.snn.json' })).toMatchObject({ ok: true });
    expect(await call('appInfo', {})).toMatchObject({ ok: true, result: { workspace } });
  });

  it('says clearly when a file does not exist, and refuses NUL bytes', async () => {
    const { workspace } = scene();
    const call = await webApi(workspace);
    expect(await call('openDocument', { path: 'missing.snn.json' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('no such file'),
    });
    expect(await call('openDocument', { path: 'a\0.snn.json' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('NUL'),
    });
  });

  it('refuses a workspace folder that does not exist', async () => {
    await expect(workspaceAccess('/no/such/folder')).rejects.toThrow('cannot be used: no such file or folder');
  });
});

describe('Electron: only paths the user chose', () => {
  it('refuses paths that did not come from a dialog, the recent list or the file manager', async () => {
    const { workspace } = scene();
    const access = grantedAccess([join(workspace, 'recent.snn.json')]);
    await expect(access.forRead('/etc/passwd')).rejects.toThrow('was not chosen in a file dialog');
    await expect(access.forRead(join(workspace, 'net.snn.json'))).rejects.toThrow('was not chosen');
    access.grant(join(workspace, 'net.snn.json'));
    await expect(access.forRead(join(workspace, 'net.snn.json'))).resolves.toMatchObject({ kind: 'document' });
    await expect(access.forWrite(join(workspace, 'recent.snn.json'))).resolves.toBe(join(workspace, 'recent.snn.json'));
    access.grant('/home/me/.bashrc');
    await expect(access.forWrite('/home/me/.bashrc')).rejects.toThrow('only as .snn.json files');
  });

  it('grants the name a save dialog returns with the extension the UI saves under', async () => {
    const { workspace } = scene();
    const access = grantedAccess();
    const chosen = join(workspace, 'model');
    const call = api(access, {
      showOpenDialog: async () => null,
      showSaveDialog: async () => chosen,
      setWindowState() {},
    });
    expect(await call('saveDocument', { path: withDocumentExtension(chosen), text: DOC })).toMatchObject({ ok: false });
    expect(await call('showSaveDialog', { defaultName: 'model' })).toMatchObject({
      ok: true,
      result: { path: `${chosen}.snn.json` },
    });
    expect(await call('saveDocument', { path: withDocumentExtension(chosen), text: DOC })).toMatchObject({ ok: true });
  });
});

describe('withDocumentExtension', () => {
  it.each([
    ['net', 'net.snn.json'],
    ['net.json', 'net.snn.json'],
    ['net.snn.json', 'net.snn.json'],
    ['net.SNN.JSON', 'net.SNN.JSON'],
  ])('%s -> %s', (path, expected) => expect(withDocumentExtension(path)).toBe(expected));
});
