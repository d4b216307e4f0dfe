/**
 * A cgroup v1 memory group per measured engine (/sys/fs/cgroup/memory/holt-bench-<engine>).
 * `memory.limit_in_bytes` caps everything the process is charged for: heap, native
 * allocations and the page cache its reads bring in. That is how lmdb (whose only cache is
 * the page cache) and SQLite (its own page cache plus the OS one) get the same budget as
 * Holt's cacheMB plus overhead. Needs root and the v1 memory controller.
 *
 * The child joins the group before it execs node (`sh -c 'echo $$ > cgroup.procs; exec
 * node ...'`), so node's own startup memory is charged too; a pid written after spawn
 * would leave what was allocated before the move charged to the parent group.
 */

import fs from 'node:fs';
import path from 'node:path';

const ROOT = '/sys/fs/cgroup/memory';

/** @returns {string | undefined} why no memory group can be made here, or undefined */
export function cgroupUnavailableReason() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not root';
  if (!fs.existsSync(path.join(ROOT, 'memory.limit_in_bytes'))) return `no cgroup v1 memory controller at ${ROOT}`;
  return undefined;
}

/**
 * @typedef {object} MemoryGroup
 * @property {string} name
 * @property {string} dir
 * @property {string} procs  the cgroup.procs file a child writes its pid to
 * @property {number} limitBytes
 *
 * @typedef {object} GroupStats
 * @property {number} limitMiB
 * @property {number} maxUsageMiB  peak charge (process memory plus its page cache)
 * @property {number} failcnt  times the limit was hit (reclaim was forced)
 * @property {number} oomKills
 * @property {number} cacheMiB  page cache charged at the end
 * @property {number} rssMiB  anonymous memory charged at the end
 */

/**
 * Creates the group (replacing an empty leftover of a killed run) with the given limit.
 * @param {string} name
 * @param {number} limitBytes
 * @returns {MemoryGroup}
 */
export function createGroup(name, limitBytes) {
  const dir = path.join(ROOT, name);
  if (fs.existsSync(dir)) {
    const tasks = fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').trim();
    if (tasks !== '') throw new Error(`cgroup ${dir} is in use by pids ${tasks.split('\n').join(', ')}`);
    fs.rmdirSync(dir);
  }
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'memory.limit_in_bytes'), String(limitBytes));
  return { name, dir, procs: path.join(dir, 'cgroup.procs'), limitBytes };
}

/**
 * The command that runs `argv` inside the group: sh writes its own pid (the pid node will
 * have after exec) to cgroup.procs, then execs.
 * @param {MemoryGroup} group
 * @param {string[]} argv
 * @returns {{ file: string, args: string[] }}
 */
export function commandInGroup(group, argv) {
  return { file: '/bin/sh', args: ['-c', 'echo $$ > "$0" && exec "$@"', group.procs, ...argv] };
}

/**
 * @param {MemoryGroup} group
 * @returns {GroupStats}
 */
export function groupStats(group) {
  const read = (/** @type {string} */ file) => fs.readFileSync(path.join(group.dir, file), 'utf8');
  const field = (/** @type {string} */ text, /** @type {string} */ name) => {
    const match = new RegExp(`^${name} (\\d+)`, 'm').exec(text);
    return match ? Number(match[1]) : NaN;
  };
  const stat = read('memory.stat');
  return {
    limitMiB: Number(read('memory.limit_in_bytes')) / 2 ** 20,
    maxUsageMiB: Number(read('memory.max_usage_in_bytes')) / 2 ** 20,
    failcnt: Number(read('memory.failcnt')),
    oomKills: field(read('memory.oom_control'), 'oom_kill'),
    cacheMiB: field(stat, 'cache') / 2 ** 20,
    rssMiB: field(stat, 'rss') / 2 ** 20,
  };
}

/**
 * Removes the group once its processes are gone (the kernel may take a moment to detach
 * an exiting process, hence the retries). Its remaining page-cache charge moves to the parent.
 * @param {MemoryGroup} group
 */
export async function removeGroup(group) {
  for (let attempt = 0; ; attempt++) {
    try {
      fs.rmdirSync(group.dir);
      return;
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
