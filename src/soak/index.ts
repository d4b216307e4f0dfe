/**
 * The crash-soak harness: `runSoak(argv)` parses the flags, prepares the
 * working directory, runs the mode, prints one JSON line per cycle and a final
 * verdict line, and resolves to the exit code (0 only when nothing was lost or
 * wrong; 1 on a failure; 2 on a usage error). The `holt soak` command and
 * `node dist/soak/main.js` both call it.
 */
import { runChild } from './child.js';
import { runCrash } from './crash.js';
import { runBulkCrash, runDbCrash } from './db-crash.js';
import { runDbNormal } from './db-normal.js';
import { runNormal } from './normal.js';
import { runLiveReader, runLiveReaders, runLiveWriter } from './live-readers.js';
import { CHILD_MODES, USAGE, UsageError, parseOptions, type SoakOptions } from './options.js';
import { Tally, describeError, emit } from './report.js';
import { prepareSoakDir, removeSoakDir } from './soak-dir.js';

export { parseOptions, USAGE } from './options.js';
export type { SoakMode, SoakOptions } from './options.js';

export async function runSoak(argv: string[]): Promise<number> {
  let o: SoakOptions;
  try {
    o = parseOptions(argv);
    if (CHILD_MODES.includes(o.mode)) {
      if (o.dir === undefined) throw new UsageError(`--mode ${o.mode} needs --dir`);
      if (o.mode === 'child') await runChild(o, o.dir);
      else if (o.mode === 'live-writer') await runLiveWriter(o, o.dir);
      else await runLiveReader(o, o.dir);
      return 1;
    }
  } catch (e) {
    if (!(e instanceof UsageError)) {
      process.stderr.write(`holt soak child: ${describeError(e)}\n${(e as Error).stack ?? ''}\n`);
      return 1;
    }
    if (e.message !== '') process.stderr.write(`holt soak: ${e.message}\n`);
    process.stderr.write(`${USAGE}\n`);
    return e.message === '' ? 0 : 2;
  }
  let dir;
  try {
    dir = prepareSoakDir(o.dir, o.reset, o.mode);
  } catch (e) {
    process.stderr.write(`holt soak: ${describeError(e)}\n`);
    return 2;
  }
  const tally = new Tally(o.mode, o.seed);
  emit({ start: o.mode, dir: dir.path, seed: `0x${o.seed.toString(16)}`, durationSec: o.durationSec, keys: o.keys, durability: o.durability, cacheMB: o.cacheMB });
  try {
    if (o.mode === 'normal') await runNormal(o, dir.path, tally);
    else if (o.mode === 'db-normal') await runDbNormal(o, dir.path, tally);
    else if (o.mode === 'crash') await runCrash(o, dir.path, tally);
    else if (o.mode === 'live-readers') await runLiveReaders(o, dir.path, tally);
    else if (o.mode === 'bulk-crash') await runBulkCrash(o, dir.path, tally);
    else await runDbCrash(o, dir.path, tally);
  } catch (e) {
    tally.fatal = `${describeError(e)}${e instanceof Error && e.stack !== undefined ? ` | ${e.stack.split('\n').slice(1, 4).join(' ').trim()}` : ''}`;
  }
  emit(tally.verdict());
  if (tally.ok) removeSoakDir(dir);
  else process.stderr.write(`holt soak: FAIL (seed 0x${o.seed.toString(16)}); directory kept at ${dir.path}\n`);
  return tally.ok ? 0 : 1;
}
