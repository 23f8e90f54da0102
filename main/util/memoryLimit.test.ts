import { totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { defaultMemoryLimit, setDefaultMemoryLimit } from '../../shared/graph/budgets';
import { applyMachineMemoryLimitAtStart, machineMemoryLimit, parseMemorySize } from './memoryLimit';

describe('the machine memory limit', () => {
  it('reads sizes as people write them', () => {
    expect(parseMemorySize('6GB')).toBe(6 * 1024 ** 3);
    expect(parseMemorySize('512 mb')).toBe(512 * 1024 ** 2);
    expect(parseMemorySize('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseMemorySize('4096')).toBe(4096);
    for (const bad of ['', 'lots', '-1GB', '0', '6 XB']) expect(parseMemorySize(bad)).toBeNull();
  });

  it('is half the machine unless SPIKEWRIGHT_MEMORY_LIMIT says otherwise, and says when that is unreadable', () => {
    expect(machineMemoryLimit({})).toBe(Math.floor(totalmem() / 2));
    expect(machineMemoryLimit({ SPIKEWRIGHT_MEMORY_LIMIT: '2GB' })).toBe(2 * 1024 ** 3);
    expect(() => machineMemoryLimit({ SPIKEWRIGHT_MEMORY_LIMIT: 'much' })).toThrow(
      /SPIKEWRIGHT_MEMORY_LIMIT="much" is not a size/,
    );
  });

  it('at a process start applies the setting, or warns once and keeps the default when it is unreadable', () => {
    const before = defaultMemoryLimit();
    const saved = process.env.SPIKEWRIGHT_MEMORY_LIMIT;
    const warnings: string[] = [];
    try {
      process.env.SPIKEWRIGHT_MEMORY_LIMIT = '3GB';
      applyMachineMemoryLimitAtStart((m) => warnings.push(m));
      expect(defaultMemoryLimit()).toBe(3 * 1024 ** 3);
      expect(warnings).toEqual([]);
      process.env.SPIKEWRIGHT_MEMORY_LIMIT = 'lots';
      applyMachineMemoryLimitAtStart((m) => warnings.push(m));
      expect(defaultMemoryLimit()).toBe(3 * 1024 ** 3);
      expect(warnings).toEqual([expect.stringMatching(/"lots" is not a size.*default memory limit is used/)]);
    } finally {
      if (saved === undefined) delete process.env.SPIKEWRIGHT_MEMORY_LIMIT;
      else process.env.SPIKEWRIGHT_MEMORY_LIMIT = saved;
      setDefaultMemoryLimit(before);
    }
  });
});
