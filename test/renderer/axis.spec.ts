import { describe, expect, it } from 'vitest';

import { formatValue, valueAxis } from '../../renderer/src/model/axis.js';

describe('chart value axis', () => {
  it('never repeats a label, starts at 0 and covers the largest value', () => {
    for (const metric of ['bytes', 'packets'] as const) {
      for (const v of [0, 1, 3, 7, 10, 99, 1000, 1024, 1500, 12_345, 100_000, 1_048_576, 5e6, 3.3e9]) {
        const a = valueAxis(v, metric);
        expect(a.ticks[0]).toBe(0);
        expect(a.max).toBeGreaterThanOrEqual(v);
        expect(a.ticks.at(-1)).toBe(a.max);
        expect(new Set(a.labels).size, `${metric} ${v}: ${a.labels.join(', ')}`).toBe(a.labels.length);
        expect(a.ticks.length).toBeGreaterThanOrEqual(2);
        expect(a.ticks.length).toBeLessThanOrEqual(7);
      }
    }
  });

  it('steps at round values in the unit shown', () => {
    expect(valueAxis(0, 'bytes').labels).toEqual(['0 B', '512 B', '1 KiB']);
    expect(valueAxis(1500, 'bytes').labels).toEqual(['0 B', '512 B', '1 KiB', '1.5 KiB']);
    expect(valueAxis(20_000, 'bytes').labels).toEqual(['0 B', '5 KiB', '10 KiB', '15 KiB', '20 KiB']);
    expect(valueAxis(0, 'packets').labels).toEqual(['0', '5', '10']);
    expect(valueAxis(37, 'packets').labels).toEqual(['0', '10', '20', '30', '40']);
  });

  it('writes values the way the legend shows them', () => {
    expect(formatValue(0, 'bytes')).toBe('0 B');
    expect(formatValue(1536, 'bytes')).toBe('1.5 KiB');
    expect(formatValue(3 * 1024 * 1024, 'bytes')).toBe('3 MiB');
    expect(formatValue(12_345, 'packets')).toBe('12.3k');
    expect(formatValue(999, 'packets')).toBe('999');
  });
});
