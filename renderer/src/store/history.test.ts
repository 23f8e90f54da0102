import { describe, expect, it } from 'vitest';
import { emptyHistory, MERGE_WINDOW_MS, record, redo, seal, undo } from './history';

describe('history', () => {
  it('undoes and redoes snapshots in order', () => {
    let h = emptyHistory<number>();
    h = record(h, 1, null, 0);
    h = record(h, 2, null, 10);
    const u1 = undo(h, 3);
    expect(u1?.doc).toBe(2);
    const u2 = u1 && undo(u1.history, u1.doc);
    expect(u2?.doc).toBe(1);
    expect(u2 && undo(u2.history, u2.doc)).toBeNull();
    const r = u2 && redo(u2.history, u2.doc);
    expect(r?.doc).toBe(2);
  });

  it('merges edits with the same key in quick succession, not after a pause or a seal', () => {
    let h = emptyHistory<string>();
    h = record(h, 'a', 'field', 0);
    h = record(h, 'ab', 'field', 100);
    h = record(h, 'abc', 'field', 200);
    expect(h.past).toEqual(['a']);
    h = record(h, 'abcd', 'field', 200 + MERGE_WINDOW_MS + 1);
    expect(h.past).toEqual(['a', 'abcd']);
    h = seal(h);
    h = record(h, 'abcde', 'field', 200 + MERGE_WINDOW_MS + 2);
    expect(h.past).toHaveLength(3);
    h = record(h, 'x', 'other', 200 + MERGE_WINDOW_MS + 3);
    expect(h.past).toHaveLength(4);
  });

  it('a new edit clears the redo stack', () => {
    let h = record(emptyHistory<number>(), 1, null, 0);
    const u = undo(h, 2);
    expect(u?.history.future).toEqual([2]);
    h = record(u?.history ?? h, 1, null, 5);
    expect(h.future).toEqual([]);
  });
});
