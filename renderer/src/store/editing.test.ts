// The store's editing behaviour without a DOM: history sees the document only, a drag is one
// entry, undoing back to the saved document makes it clean again.
import { beforeEach, describe, expect, it } from 'vitest';
import { isDirty, useAppStore } from './index';

const s = () => useAppStore.getState();

beforeEach(() => {
  s().newDocument();
});

describe('editing through the store', () => {
  it('records a drag as one entry, however many moves it makes', () => {
    const id = s().addNode('lif', { x: 0, y: 0 });
    const entries = s().history.past.length;
    for (let i = 1; i <= 20; i++) s().dragNodes({ [id]: { x: i * 5, y: i } });
    expect(s().history.past.length).toBe(entries);
    s().endGesture();
    expect(s().history.past.length).toBe(entries + 1);
    expect(s().layout.positions[id]).toEqual({ x: 100, y: 20 });
    s().undo();
    expect(s().layout.positions[id]).toEqual({ x: 0, y: 0 });
  });

  it('is clean again after undoing back to what was saved', () => {
    expect(isDirty(s())).toBe(false);
    const id = s().addNode('readout', { x: 0, y: 0 });
    s().setNodeParam(id, 'size', 5);
    expect(isDirty(s())).toBe(true);
    s().undo();
    s().undo();
    expect(isDirty(s())).toBe(false);
    s().redo();
    expect(isDirty(s())).toBe(true);
  });

  it('keeps selection, theme and clipboard out of history', () => {
    const id = s().addNode('lif', { x: 0, y: 0 });
    const entries = s().history.past.length;
    s().setSelection([id], []);
    s().copySelection();
    s().toggleSnapToGrid();
    s().clearSelection();
    expect(s().history.past.length).toBe(entries);
  });

  it('types into one field as one entry', () => {
    const id = s().addNode('lif', { x: 0, y: 0 });
    const entries = s().history.past.length;
    s().setNodeParam(id, 'tauMem', 1);
    s().setNodeParam(id, 'tauMem', 15);
    s().sealHistory();
    expect(s().history.past.length).toBe(entries + 1);
    s().setNodeParam(id, 'tauMem', 20);
    expect(s().history.past.length).toBe(entries + 2);
  });

  it('refuses connections the rules forbid and types the ones it draws', () => {
    const lif = s().addNode('lif', { x: 0, y: 0 });
    const readout = s().addNode('readout', { x: 200, y: 0 });
    const loss = s().addNode('loss', { x: 400, y: 0 });
    expect(s().connect(readout, lif)).toMatchObject({ ok: false });
    expect(s().connect(lif, readout)).toEqual({ ok: true, edgeKind: 'connection' });
    expect(s().connect(readout, loss)).toEqual({ ok: true, edgeKind: 'signal' });
    expect(s().connect(lif, lif)).toEqual({ ok: true, edgeKind: 'connection' });
    expect(s().connect(readout, readout)).toMatchObject({ ok: false });
    const connection = s().graph.edges.find((e) => e.source === lif && e.target === readout);
    expect(connection).toMatchObject({ kind: 'connection', params: { init: 'spytorch', scale: 7 } });
  });
});
