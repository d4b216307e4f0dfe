import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  N16_CAPACITY, N48_CAPACITY, N4_CAPACITY, SHRINK_16_TO_4, SHRINK_256_TO_48, SHRINK_48_TO_16, shrinkTarget,
} from '../../src/layout/inner-nodes.js';
import { NODE_16, NODE_256, NODE_4, NODE_48 } from '../../src/layout/node-types.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('verified/', () => {
  it('the exhaustive catalog and node-shape checks pass', () => {
    const out = execFileSync(process.execPath, ['verified/check.mjs'], { cwd: root, encoding: 'utf8' });
    expect(out).toMatch(/catalog: \d+ states explored/);
    expect(out).toMatch(/^OK/m);
  });

  it('checks the very thresholds the engine uses', async () => {
    const { GROW, SHRINK } = (await import('../../verified/node-shapes.mjs')) as {
      GROW: { from: string; atChild: number }[];
      SHRINK: { from: string; to: string; atMost: number }[];
    };
    expect(GROW.map((g) => g.atChild)).toEqual([N4_CAPACITY + 1, N16_CAPACITY + 1, N48_CAPACITY + 1]);
    expect(SHRINK.map((s) => s.atMost)).toEqual([SHRINK_256_TO_48, SHRINK_48_TO_16, SHRINK_16_TO_4]);
    const types: Record<string, number> = { Node4: NODE_4, Node16: NODE_16, Node48: NODE_48, Node256: NODE_256 };
    for (const s of SHRINK) {
      expect(shrinkTarget(types[s.from]!, s.atMost)).toBe(types[s.to]);
      expect(shrinkTarget(types[s.from]!, s.atMost + 1)).toBe(types[s.from]);
    }
  });
});
