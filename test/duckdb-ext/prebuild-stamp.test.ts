/**
 * The committed extension build is what users get (npm install never
 * compiles it), so it must be built from the sources in this tree: the stamp
 * compiled into it (native/duckdb-ext/build.mjs) must equal the stamp of the
 * sources now. Rebuild with `npm run build:duckdb-ext` after changing them.
 * And its footer must say what DuckDB checks before it loads a file.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { holtExtensionPath } from '../../src/duckdb/index.js';
// @ts-expect-error: a plain .mjs build script without type declarations
import { extensionStamp } from '../../native/duckdb-ext/build.mjs';

describe('prebuilds/linux-x64/holt.duckdb_extension', () => {
  const bytes = readFileSync(holtExtensionPath());

  it('was built from the current native/duckdb-ext sources', () => {
    const m = /HOLT_EXT_STAMP=([0-9a-f]{64})/.exec(bytes.toString('latin1'));
    expect(m, 'no build stamp in the binary').not.toBeNull();
    expect(m![1], 'stale build: run npm run build:duckdb-ext and commit the result').toBe((extensionStamp as () => string)());
  });

  it('ends with DuckDB\'s metadata footer for an unsigned C API extension', () => {
    const footer = bytes.subarray(bytes.length - 512);
    const field = (i: number): string => footer.subarray(i * 32, i * 32 + 32).toString('latin1').replace(/\0+$/, '');
    // Fields are stored last first: [unused x3, ABI type, extension version, C API version, platform, magic].
    expect(field(7)).toBe('4');
    expect(field(6)).toBe('linux_amd64');
    expect(field(5)).toBe('v1.2.0');
    expect(field(3)).toBe('C_STRUCT');
    expect(footer.subarray(256).every((b) => b === 0)).toBe(true);
  });
});
