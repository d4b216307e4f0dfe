// A FramePager for the checks: the production MemoryPager (so it keeps up with
// the pager interface), plus what exploration needs. `clone()` copies every
// frame so a search can branch from a state; a release twice or a use after
// release is recorded as a problem for the walker to report, not just thrown.
//
// clone() reads MemoryPager's own fields (frames, freeIds, live): if those are
// renamed, it fails loudly here rather than checking less.
import { load } from './production.mjs';

export async function loadCheckPager(dist) {
  const { MemoryPager } = await load(dist, 'store/memory-pager.js');
  const { Frame } = await load(dist, 'layout/frame.js');

  return class CheckPager extends MemoryPager {
    constructor() {
      super();
      /** Problems seen by the pager itself (double release, use after release). */
      this.problems = [];
      if (!Array.isArray(this.frames) || !Array.isArray(this.freeIds) || typeof this.live !== 'number') {
        throw new Error('MemoryPager no longer keeps frames/freeIds/live: update verified/lib/check-pager.mjs');
      }
    }

    frame(id) {
      if (this.frames[id] === undefined) this.problems.push(`frame ${id} used while not allocated`);
      return super.frame(id);
    }

    releaseFrame(id) {
      if (this.frames[id] === undefined) {
        this.problems.push(`frame ${id} released twice`);
        return;
      }
      super.releaseFrame(id);
    }

    /** Ids of the allocated frames, ascending. */
    liveIds() {
      const out = [];
      for (let i = 1; i < this.frames.length; i++) if (this.frames[i] !== undefined) out.push(i);
      return out;
    }

    /** An independent copy: same ids, copied bytes. */
    clone() {
      const c = new CheckPager();
      c.frames.length = 0;
      for (const f of this.frames) c.frames.push(f === undefined ? undefined : new Frame(f.id, f.bytes.slice(0)));
      c.freeIds.push(...this.freeIds);
      c.live = this.live;
      return c;
    }
  };
}

/** A copy of a production TreeCore over a cloned pager. */
export function cloneCore(TreeCore, core) {
  const c = new TreeCore(core.treeId, core.pager.clone(), core.root);
  c.mutations = core.mutations;
  c.keyCount = core.keyCount;
  Object.assign(c.counters, core.counters);
  return c;
}
