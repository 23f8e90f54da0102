import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl, isTrustedSenderUrl, rendererFilePath } from './ipcGuard';

describe('isTrustedSenderUrl', () => {
  it('accepts only the app page', () => {
    expect(isTrustedSenderUrl('app://spikewright/index.html')).toBe(true);
    expect(isTrustedSenderUrl('app://spikewright/')).toBe(true);
  });
  it.each([
    undefined,
    '',
    'https://evil.example/',
    'file:///etc/passwd',
    'app://other/index.html',
    'http://spikewright/index.html',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isTrustedSenderUrl(url)).toBe(false);
  });
});

describe('rendererFilePath', () => {
  const root = '/opt/spikewright/renderer';
  it('maps app URLs into the renderer folder', () => {
    expect(rendererFilePath(root, 'app://spikewright/', join)).toBe(`${root}/index.html`);
    expect(rendererFilePath(root, 'app://spikewright/assets/index.js', join)).toBe(`${root}/assets/index.js`);
  });
  it('refuses traversal and foreign hosts', () => {
    // URL parsing folds '..' segments away, so the result stays inside the renderer folder.
    expect(rendererFilePath(root, 'app://spikewright/../../etc/passwd', join)).toBe(`${root}/etc/passwd`);
    expect(rendererFilePath(root, 'app://spikewright/%2e%2e/%2e%2e/etc/passwd', join)).toBe(`${root}/etc/passwd`);
    expect(rendererFilePath(root, 'app://spikewright/a%5c..%5csecret', join)).toBeNull();
    expect(rendererFilePath(root, 'app://evil/index.html', join)).toBeNull();
  });
});

describe('isAllowedExternalUrl', () => {
  const allowed = ['https://github.com/zalandoresearch/fashion-mnist', 'https://zenkelab.org/resources/'];
  it.each([
    'https://github.com/zalandoresearch/fashion-mnist',
    'https://github.com/zalandoresearch/fashion-mnist/blob/master/README.md',
    'https://zenkelab.org/resources/spiking-heidelberg-datasets-shd/',
  ])('opens %s', (url) => {
    expect(isAllowedExternalUrl(url, allowed)).toBe(true);
  });
  it.each([
    'https://github.com/zalandoresearch/fashion-mnist-evil',
    'https://github.com/attacker/payload',
    'http://github.com/zalandoresearch/fashion-mnist',
    'https://github.com.evil.example/zalandoresearch/fashion-mnist',
    'https://user:pass@github.com/zalandoresearch/fashion-mnist',
    'https://github.com:8443/zalandoresearch/fashion-mnist',
    'https://zenkelab.org/datasets/x',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://server/share',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isAllowedExternalUrl(url, allowed)).toBe(false);
  });
  it('opens nothing with an empty list', () => {
    expect(isAllowedExternalUrl('https://github.com/', [])).toBe(false);
  });
});

describe('electron-builder fuses', () => {
  it('turn off the file protocol privileges and running as Node', () => {
    const config = readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8');
    const fuses = config.slice(config.indexOf('electronFuses:'));
    expect(fuses).toMatch(/^\s+grantFileProtocolExtraPrivileges: false$/m);
    expect(fuses).toMatch(/^\s+runAsNode: false$/m);
  });
});
