import { describe, expect, it } from 'vitest';
import { ApiError, type ApiHandlers, createApiDispatcher } from './contract';

const handlers = {
  openExample: async ({ id }: { id: string }) => {
    if (id === 'boom') throw new Error('disk on fire');
    if (id === 'missing') throw new ApiError("There is no example called 'missing'.");
    return { text: '{}', path: null, name: `${id}.snn.json` };
  },
} as unknown as ApiHandlers;

describe('createApiDispatcher', () => {
  const errors: unknown[] = [];
  const dispatch = createApiDispatcher(handlers, (e) => errors.push(e));

  it('runs a valid request', async () => {
    expect(await dispatch('openExample', { id: 'randman' })).toEqual({
      ok: true,
      result: { text: '{}', path: null, name: 'randman.snn.json' },
    });
  });

  it('refuses unknown methods and malformed payloads before any handler runs', async () => {
    expect(await dispatch('deleteEverything', {})).toEqual({
      ok: false,
      error: 'Unknown API method "deleteEverything"',
    });
    expect(await dispatch('__proto__', {})).toMatchObject({ ok: false });
    const bad = await dispatch('openExample', { id: 42 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/^Invalid request to openExample: id/);
    expect(await dispatch('saveDocument', { path: '', text: 'x' })).toMatchObject({ ok: false });
  });

  it('passes user-facing errors through and summarises internal ones', async () => {
    expect(await dispatch('openExample', { id: 'missing' })).toEqual({
      ok: false,
      error: "There is no example called 'missing'.",
    });
    expect(await dispatch('openExample', { id: 'boom' })).toEqual({
      ok: false,
      error: 'openExample failed: disk on fire',
    });
    expect(errors).toHaveLength(1);
  });
});
