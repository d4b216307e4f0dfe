import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStamp, embeddedStamp, stampInputs } from '../../native/build-stamp.mjs';
import { nativeBinding, nativeBindingPath, packageRoot } from '../../src/io/native-binding.js';
import { testDir } from '../support/temp-dir.js';

/**
 * The committed prebuild (what `npm install` loads when it compiles nothing)
 * must be built from the native sources in the tree. Each holt_io.node carries
 * `buildStamp`, a SHA-256 of those sources taken at build time
 * (native/build-stamp.mjs); recomputing it here catches a source change that was
 * committed without `npm run prebuild`. The linux-arm64 binary cannot run here,
 * so its stamp is read from its bytes (`embeddedStamp`); running it is
 * `npm run prebuild:check-arm64`'s job (qemu-user).
 */
const root = packageRoot();
const PREBUILD = path.join(root, 'prebuilds', 'linux-x64', 'holt.glibc.node');
const PREBUILD_ARM64 = path.join(root, 'prebuilds', 'linux-arm64', 'holt.glibc.node');
// The committed binary is for glibc linux-x64 only; elsewhere there is nothing to load.
const glibcLinuxX64 =
  process.platform === 'linux' &&
  process.arch === 'x64' &&
  (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime !== undefined;

describe('native build stamp', () => {
  it('covers binding.gyp and every compiled source', () => {
    const gyp = JSON.parse(fs.readFileSync(path.join(root, 'binding.gyp'), 'utf8')) as {
      targets: Array<{ sources: string[] }>;
    };
    const inputs: string[] = stampInputs(root);
    expect(inputs).toContain('binding.gyp');
    for (const source of gyp.targets.flatMap((t) => t.sources)) expect(inputs).toContain(source);
    expect(inputs.filter((f) => f.endsWith('.h')).length).toBeGreaterThan(0);
  });

  it('changes when one byte of a native source changes', () => {
    const copy = testDir('stamp');
    fs.cpSync(path.join(root, 'native'), path.join(copy, 'native'), { recursive: true });
    fs.copyFileSync(path.join(root, 'binding.gyp'), path.join(copy, 'binding.gyp'));
    expect(buildStamp(copy)).toBe(buildStamp(root));
    const header = path.join(copy, 'native', 'errors.h');
    fs.appendFileSync(header, ' ');
    expect(buildStamp(copy)).not.toBe(buildStamp(root));
  });

  it.runIf(glibcLinuxX64)('matches the committed linux-x64 prebuild (else run `npm run prebuild` and commit it)', () => {
    const prebuild = createRequire(import.meta.url)(PREBUILD) as { buildStamp?: unknown };
    expect(prebuild.buildStamp, `${path.relative(root, PREBUILD)} is stale`).toBe(buildStamp(root));
  });

  it('matches the loaded addon (else rebuild it: `npm run build:native`)', () => {
    const loaded = nativeBinding();
    expect(loaded, 'the addon did not load').not.toBeNull();
    expect(loaded?.buildStamp, `${nativeBindingPath()} is stale`).toBe(buildStamp(root));
  });

  it('matches both committed prebuilds, read from their bytes (else `npm run prebuild` / `npm run prebuild:arm64`)', () => {
    expect(embeddedStamp(PREBUILD, 'x64'), `${path.relative(root, PREBUILD)} is stale`).toBe(buildStamp(root));
    expect(embeddedStamp(PREBUILD_ARM64, 'arm64'), `${path.relative(root, PREBUILD_ARM64)} is stale`).toBe(buildStamp(root));
  });

  it.runIf(glibcLinuxX64)('reads from the bytes the stamp the binary reports when loaded', () => {
    const prebuild = createRequire(import.meta.url)(PREBUILD) as { buildStamp?: unknown };
    expect(embeddedStamp(PREBUILD, 'x64')).toBe(prebuild.buildStamp);
  });

  it('reads a stale stamp as stale, and refuses a binary for the other architecture', () => {
    const copy = testDir('stamp');
    const bytes = fs.readFileSync(PREBUILD_ARM64);
    const current = Buffer.from(buildStamp(root), 'latin1');
    const other = Buffer.from('0123456789abcdef'.repeat(4), 'latin1');
    for (let at = bytes.indexOf(current); at >= 0; at = bytes.indexOf(current, at + 1)) other.copy(bytes, at);
    const stale = path.join(copy, 'holt.glibc.node');
    fs.writeFileSync(stale, bytes);
    expect(embeddedStamp(stale, 'arm64')).toBe(other.toString('latin1'));
    expect(() => embeddedStamp(PREBUILD_ARM64, 'x64')).toThrow(/not x64/);
    expect(() => embeddedStamp(path.join(root, 'binding.gyp'))).toThrow(/not a 64-bit little-endian ELF/);
  });
});
