import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTrustedSenderUrl, rendererFilePath } from './ipcGuard';

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
