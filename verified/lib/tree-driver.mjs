// Driving a production tree against a model: a fresh tree on the checking
// pager, a copy of a state to branch from, and put/erase through the
// production walker (src/art insert and erase) that keep the model in step.
// A state is { core, model }: model maps each key (latin1) to the value's size,
// pattern seed and version (lib/contents.mjs).
import { load } from './production.mjs';
import { cloneCore, loadCheckPager } from './check-pager.mjs';
import { patternValue } from './contents.mjs';

export async function loadTreeDriver(dist, report) {
  const { TreeCore } = await load(dist, 'art/tree-core.js');
  const { insert } = await load(dist, 'art/insert.js');
  const { erase } = await load(dist, 'art/erase.js');
  const CheckPager = await loadCheckPager(dist);
  let version = 0;
  return {
    fresh: () => ({ core: TreeCore.create(1, new CheckPager()), model: new Map() }),
    fork: (s) => ({ core: cloneCore(TreeCore, s.core), model: new Map(s.model) }),
    /** Put `size` bytes under `key` with the next version. */
    put(s, key, size) {
      const v = ++version;
      insert(s.core, key, key.length, patternValue(size, v), size, v);
      s.model.set(key.toString('latin1'), { size, seed: v, version: v });
    },
    /** Erase `key`; the walker must say it existed exactly when the model has it. */
    del(s, key) {
      const existed = erase(s.core, key, key.length);
      report.check(existed === s.model.delete(key.toString('latin1')), () => `erase(${JSON.stringify(key.toString('latin1'))}) returned ${existed}`);
    },
  };
}
